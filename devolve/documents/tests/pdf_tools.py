"""Reading generated PDFs as a person would: their text (poppler's pdftotext) and their pages as
images (pdftoppm), and whether those images show Chinese characters or boxes ("tofu").

The glyph check cuts each word of Chinese text into its full-width character cells, shrinks every
cell to 8 by 8 black-and-white pixels and counts the distinct shapes. Real characters give about
as many shapes as there are distinct characters; missing glyphs all draw the same box, so the
count collapses to one or two whatever the text says.
"""

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

FULL_WIDTH_WORD = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")
WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


def _run(*arguments: str) -> str:
    return subprocess.run(  # noqa: S603 — poppler tools on a file the test wrote
        arguments, capture_output=True, text=True, check=True
    ).stdout


def pdf_text(content: bytes) -> str:
    """The text in content-stream order (``-raw``): a table cell's lines stay together."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(content)
        return _run("pdftotext", "-raw", "-enc", "UTF-8", str(path), "-")


def squeezed(text: str) -> str:
    """Text without any whitespace, so names wrapped inside a table cell read whole."""
    return re.sub(r"\s+", "", text)


def page_count(content: bytes) -> int:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(content)
        info = _run("pdfinfo", str(path))
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))


@dataclass(frozen=True)
class GlyphShapes:
    characters: int
    shapes: int

    @property
    def ratio(self) -> float:
        return self.shapes / self.characters if self.characters else 0.0


def glyph_shapes(content: bytes, *, page: int, dpi: int = 100) -> GlyphShapes:
    """Distinct CJK characters on ``page`` and the distinct 8-by-8 shapes drawn for them."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(content)
        boxes = _run("pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-")
        _run(
            "pdftoppm", "-r", str(dpi), "-gray", "-png", "-singlefile",
            "-f", str(page), "-l", str(page), str(path), str(Path(folder) / "page"),
        )  # fmt: skip
        image = Image.open(Path(folder) / "page.png").convert("L")
        image.load()
    scale = dpi / 72
    characters: set[str] = set()
    shapes: set[bytes] = set()
    for match in WORD.finditer(boxes):
        x0, y0, x1, y1 = (float(value) for value in match.groups()[:4])
        text = match.group(5)
        if not FULL_WIDTH_WORD.fullmatch(text):
            continue
        width = (x1 - x0) / len(text)
        for index, character in enumerate(text):
            if not "\u4e00" <= character <= "\u9fff":
                continue
            left = x0 + index * width
            cell = image.crop(
                (int(left * scale), int(y0 * scale), int((left + width) * scale), int(y1 * scale))
            )
            small = cell.resize((8, 8)).point(lambda value: 0 if value < 200 else 255)
            characters.add(character)
            shapes.add(small.tobytes())
    return GlyphShapes(characters=len(characters), shapes=len(shapes))

"""The one error the selection maths raises for bad input (and its infeasibility subclass in
``choose``)."""


class SelectionInputError(ValueError):
    """Input the maths cannot use. The message names the indicator (column index), candidate
    (row index) or constraint concerned; ``candidate`` and ``indicator`` carry the same indices
    (0-based) so a caller can translate them into names.
    """

    def __init__(
        self,
        message: str,
        *,
        candidate: int | None = None,
        indicator: int | None = None,
        code: str = "bad_input",
    ) -> None:
        super().__init__(message)
        self.candidate = candidate
        self.indicator = indicator
        self.code = code

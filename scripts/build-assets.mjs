// Builds devolve/static/dist from packages installed from the npm registry: compiles the
// stylesheet and copies the scripts and design-system assets the pages use. Nothing here is
// committed; `make assets` runs it on every setup.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const modules = join(root, "node_modules");
const dist = join(root, "devolve", "static", "dist");

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

const css = sass.compile(join(root, "frontend", "devolve.scss"), {
  loadPaths: [modules],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import", "global-builtin"],
});
writeFileSync(join(dist, "devolve.css"), css.css);

cpSync(join(modules, "echarts", "dist", "echarts.min.js"), join(dist, "echarts.min.js"));
cpSync(join(modules, "govuk-frontend", "dist", "govuk", "govuk-frontend.min.js"), join(dist, "govuk-frontend.min.js"));
// Neither the GDS Transport fonts nor the crown images may be used outside GOV.UK, so no
// design-system asset files are copied: the stylesheet and the component script are enough.
console.log(`assets built in ${dist}`);

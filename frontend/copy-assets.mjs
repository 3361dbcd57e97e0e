// Copies the front-end files the app serves from node_modules into the Django static tree.
import { copyFileSync, mkdirSync } from "node:fs";

const target = "../src/innokop/core/static/innokop/build";
mkdirSync(target, { recursive: true });
copyFileSync("node_modules/htmx.org/dist/htmx.min.js", `${target}/htmx.min.js`);

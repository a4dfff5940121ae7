import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..", "..");

function documents(): string[] {
  const docs = readdirSync(join(root, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`);
  return ["README.md", "CONTRIBUTING.md", ...docs];
}

/** Markdown without its code blocks, where a `# line` is a comment rather than a heading. */
function withoutCodeBlocks(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, "");
}

/** Markdown without any code, where a `[x](y)` is an example rather than a link. */
function prose(markdown: string): string {
  return withoutCodeBlocks(markdown).replace(/`[^`\n]*`/g, "");
}

/** Every link target in a Markdown file: `[text](target)` and HTML `src`/`href`. */
function linkTargets(markdown: string): string[] {
  const text = prose(markdown);
  const markdownLinks = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? "");
  const htmlLinks = [...text.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? "");
  return [...markdownLinks, ...htmlLinks];
}

/** GitHub's anchor for a heading. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function anchorsOf(path: string): Set<string> {
  const headings = withoutCodeBlocks(readFileSync(path, "utf8")).match(/^#{1,6} .+$/gm) ?? [];
  return new Set(headings.map((h) => slug(h.replace(/^#+ /, ""))));
}

describe("the documentation", () => {
  it("keeps the README at most 10 KB", () => {
    expect(statSync(join(root, "README.md")).size).toBeLessThanOrEqual(10 * 1024);
  });

  it("links only to files (and headings) that exist", () => {
    const broken: string[] = [];
    for (const document of documents()) {
      const path = join(root, document);
      for (const target of linkTargets(readFileSync(path, "utf8"))) {
        if (/^[a-z]+:/i.test(target)) continue;
        const [file = "", anchor] = target.split("#");
        const linked = file === "" ? path : resolve(dirname(path), file);
        if (!existsSync(linked)) broken.push(`${document}: ${target} (no such file)`);
        else if (anchor && linked.endsWith(".md") && !anchorsOf(linked).has(anchor)) {
          broken.push(`${document}: ${target} (no such heading)`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it("shows the pictures of Guru in Slack and Discord, each small enough for a README", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    for (const picture of ["docs/images/slack.png", "docs/images/discord.png"]) {
      expect(readme).toContain(`src="${picture}"`);
      expect(statSync(join(root, picture)).size).toBeLessThan(200 * 1024);
    }
  });
});

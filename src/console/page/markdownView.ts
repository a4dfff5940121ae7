import { element } from "./dom.js";

/** `code`, **bold**, *italic* or _italic_, and [text](http…) links, in the order they come. */
const inlinePattern =
  /`([^`]+)`|\*\*([^*]+)\*\*|\*([^*\s][^*]*)\*|_([^_\s][^_]*)_|\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g;

function inline(text: string): Node[] {
  const nodes: Node[] = [];
  let at = 0;
  for (const match of text.matchAll(inlinePattern)) {
    if (match.index > at) nodes.push(document.createTextNode(text.slice(at, match.index)));
    const [, code, bold, star, underscore, label, href] = match;
    if (code !== undefined) nodes.push(element("code", {}, code));
    else if (bold !== undefined) nodes.push(element("strong", {}, ...inline(bold)));
    else if (star !== undefined || underscore !== undefined)
      nodes.push(element("em", {}, star ?? underscore));
    else nodes.push(element("a", { href: href ?? "", rel: "noopener noreferrer", target: "_blank" }, label));
    at = match.index + match[0].length;
  }
  if (at < text.length) nodes.push(document.createTextNode(text.slice(at)));
  return nodes;
}

const listItem = /^\s*(?:[-*+]|(\d+)[.)])\s+(.*)$/;

/**
 * The Markdown Guru writes (paragraphs, headings, lists, code blocks and inline marks) as DOM
 * nodes. Everything is set as text, so a model's answer can never inject markup into the page.
 */
export function markdownView(markdown: string): HTMLElement {
  const root = element("div", { class: "markdown" });
  const lines = markdown.split("\n");
  let paragraph: string[] = [];
  let list: HTMLOListElement | HTMLUListElement | null = null;
  const flush = () => {
    if (paragraph.length > 0) root.append(element("p", {}, ...inline(paragraph.join(" "))));
    paragraph = [];
    list = null;
  };
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? "";
    const fence = /^```(\S*)/.exec(line);
    if (fence) {
      flush();
      const code: string[] = [];
      for (i += 1; i < lines.length && !(lines[i] ?? "").startsWith("```"); i += 1) code.push(lines[i] ?? "");
      root.append(
        element("pre", {}, element("code", fence[1] ? { "data-lang": fence[1] } : {}, code.join("\n"))),
      );
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    const item = listItem.exec(line);
    if (line.trim() === "") flush();
    else if (heading) {
      flush();
      root.append(element("h4", {}, ...inline(heading[2] ?? "")));
    } else if (item) {
      if (paragraph.length > 0) flush();
      const ordered = item[1] !== undefined;
      if (list === null || (list.tagName === "OL") !== ordered) {
        list = ordered ? element("ol", item[1] === "1" ? {} : { start: item[1] ?? "1" }) : element("ul");
        root.append(list);
      }
      list.append(element("li", {}, ...inline(item[2] ?? "")));
    } else {
      list = null;
      paragraph.push(line.trim());
    }
  }
  flush();
  return root;
}

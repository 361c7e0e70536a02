// Starts the rich-text editor (django-prose-editor's Tiptap) on each textarea marked
// data-django-prose-editor-cspplan, as the package's "configurable" preset does, except that:
// - Tiptap does not inject its base style sheet as an inline <style>, which the
//   Content-Security-Policy (style-src 'self') refuses; css/rich-text-editor.css holds its rules;
// - pasted HTML loses its styles before the page parses it, and Word's lists become lists;
// - the editable area is named by the field's label.
// Whatever it sends, the server sanitises again (plans/rich_text.py).
import * as prose from "django-prose-editor/editor";

const ATTRIBUTE = "data-django-prose-editor-cspplan";

// Headings outside the levels offered (h3 and h4, below the section's own h2 title) are moved
// into them when pasted, as the server does (plans/rich_text.py), rather than becoming
// paragraphs: Word's "Heading 1" is an h1.
const Heading = prose.Heading.extend({
  parseHTML() {
    return [
      ...(this.parent?.() || []),
      { tag: "h1", attrs: { level: 3 } },
      { tag: "h2", attrs: { level: 3 } },
      { tag: "h5", attrs: { level: 4 } },
      { tag: "h6", attrs: { level: 4 } },
    ];
  },
});
// Header cells keep their scope (a row's or a column's header), which the reference plans'
// tables use and Tiptap's table would otherwise drop when the text is edited.
const TableHeader = prose.TableHeader.extend({
  addAttributes() {
    return {
      ...(this.parent?.() || {}),
      scope: {
        default: null,
        parseHTML: (element) => element.getAttribute("scope"),
        renderHTML: (attributes) => (attributes.scope ? { scope: attributes.scope } : {}),
      },
    };
  },
});
const EXTENSIONS = { ...prose, Heading, TableHeader };

// Pasted HTML is parsed in this page, where the policy refuses (and reports) every style
// attribute and style sheet. None would be kept, so they go before parsing; the two Word uses
// for its lists are kept as data attributes.
const STYLE_ATTRIBUTE = /\sstyle\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi;
const STYLE_SHEET = /<style[\s\S]*?<\/style\s*>/gi;

function withoutStyles(html) {
  return html.replace(STYLE_SHEET, "").replace(STYLE_ATTRIBUTE, (attribute) => {
    const list = /mso-list:\s*(l\d+\s+level\d+)/i.exec(attribute);
    if (list) return ` data-mso-list="${list[1]}"`;
    return /mso-list:\s*ignore/i.test(attribute) ? " data-mso-ignore" : "";
  });
}

// Word copies a list as paragraphs styled "mso-list:l0 level1" whose bullet or number is text
// in a span styled mso-list:Ignore; the editor would keep them as paragraphs starting "·". They
// become lists here, nested by level, as the server does for text sent without the editor.
function wordListsToLists(html) {
  if (!html.includes("mso-list")) return html;
  const doc = new DOMParser().parseFromString(withoutStyles(html), "text/html");
  let root = null;
  let stack = [];
  for (const paragraph of [...doc.body.querySelectorAll("p")]) {
    const match = /level(\d+)/.exec(paragraph.dataset.msoList || "");
    if (!match) continue;
    const level = Number(match[1]);
    let marker = "";
    for (const ignored of paragraph.querySelectorAll("span")) {
      if (ignored.hasAttribute("data-mso-ignore") && ignored.isConnected) {
        marker += ignored.textContent;
        ignored.remove();
      }
    }
    const kind = /^\s*\(?[0-9a-z]{1,5}[.)]/i.test(marker) ? "OL" : "UL";
    if (!root || paragraph.previousElementSibling !== root) stack = [];
    while (stack.length && stack[stack.length - 1].level > level) stack.pop();
    let top = stack[stack.length - 1];
    if (top && top.level === level && top.list.tagName !== kind) {
      stack.pop();
      top = stack[stack.length - 1];
    }
    if (!top || top.level < level) {
      const list = doc.createElement(kind);
      if (top) top.list.lastElementChild.append(list);
      else {
        paragraph.before(list);
        root = list;
      }
      stack.push({ list, level });
      top = stack[stack.length - 1];
    }
    const item = doc.createElement("li");
    item.append(...paragraph.childNodes);
    top.list.append(item);
    paragraph.remove();
  }
  return doc.body.innerHTML;
}

function cleanPaste(html) {
  return html.includes("mso-list") ? wordListsToLists(html) : withoutStyles(html);
}

function createEditor(textarea) {
  if (textarea.closest(".prose-editor")) return null;
  const config = JSON.parse(textarea.getAttribute(ATTRIBUTE) || "{}");
  const extensions = [];
  for (const [name, options] of Object.entries(config.extensions || {})) {
    const extension = EXTENSIONS[name];
    if (extension) extensions.push(typeof options === "object" ? extension.configure(options) : extension);
  }
  const disabled = textarea.hasAttribute("disabled");
  // The editable area takes the textarea's label and help, so it is announced by name.
  const attributes = { "aria-multiline": "true" };
  const label = textarea.id && document.querySelector(`label[for="${CSS.escape(textarea.id)}"]`);
  if (label) {
    label.id ||= `${textarea.id}_label`;
    attributes["aria-labelledby"] = label.id;
  }
  if (textarea.hasAttribute("aria-describedby")) {
    attributes["aria-describedby"] = textarea.getAttribute("aria-describedby");
  }
  const wrapper = document.createElement("div");
  wrapper.className = disabled ? "prose-editor disabled" : "prose-editor";
  textarea.before(wrapper);
  wrapper.append(textarea);
  return new prose.Editor({
    element: wrapper,
    editable: !disabled,
    extensions,
    content: textarea.value,
    injectCSS: false,
    editorProps: { attributes, transformPastedHTML: cleanPaste },
    onUpdate({ editor }) {
      const html = editor.getHTML();
      // An empty editor holds one empty paragraph; the field is then empty.
      textarea.value = /^<(\w+)(\s[^>]*)?><\/\1>$/i.test(html) ? "" : html;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    },
    onDestroy() {
      wrapper.before(textarea);
      wrapper.remove();
    },
  });
}

prose.initializeEditors(createEditor, `[${ATTRIBUTE}]`);

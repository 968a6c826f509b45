/**
 * Just enough XML for CPIX documents: parse into a tree that knows each element's
 * namespace, change it, and write it back. Refuses what a key server's XML parser
 * refuses (unbalanced tags, undeclared prefixes, stray `<` or `&`), and DTDs, which a
 * server facing the network must not expand.
 * @see https://www.w3.org/TR/xml-names/
 */

/** An element; `name` is the qualified name as written (`cpix:ContentKey`). */
export interface XmlElement {
  readonly kind: "element";
  readonly name: string;
  readonly localName: string;
  /** The namespace URI its prefix (or the default namespace) is bound to, or "". */
  readonly namespace: string;
  /** Attributes in document order, `xmlns` declarations included. */
  readonly attributes: Map<string, string>;
  readonly children: XmlNode[];
  /** The prefix → namespace bindings in scope here (the default namespace under ""). */
  readonly scope: ReadonlyMap<string, string>;
}

export type XmlNode =
  | XmlElement
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "comment"; readonly text: string };

/** Why a document could not be read. */
export class XmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "XmlError";
  }
}

const XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace";
const NAME = /^[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?/;
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  if (text.includes("<")) throw new XmlError("'<' is not allowed in text or attribute values");
  return text.replace(/&([^;]*);|&/g, (match, entity: string | undefined) => {
    if (entity === undefined) throw new XmlError("'&' must start an entity reference");
    if (entity in ENTITIES) return ENTITIES[entity];
    const code = /^#x([0-9a-fA-F]+)$/.exec(entity)?.[1] ?? /^#(\d+)$/.exec(entity)?.[1];
    if (code === undefined) throw new XmlError(`Unknown entity ${match}`);
    return String.fromCodePoint(parseInt(code, entity.startsWith("#x") ? 16 : 10));
  });
}

function splitName(name: string, scope: ReadonlyMap<string, string>, isAttribute: boolean) {
  const colon = name.indexOf(":");
  const prefix = colon < 0 ? "" : name.slice(0, colon);
  const localName = colon < 0 ? name : name.slice(colon + 1);
  // Unprefixed attributes are in no namespace; unprefixed elements in the default one.
  if (prefix === "" && isAttribute) return { localName, namespace: "" };
  const namespace = prefix === "xml" ? XML_NAMESPACE : scope.get(prefix);
  if (namespace === undefined) {
    if (prefix === "") return { localName, namespace: "" };
    throw new XmlError(`The prefix "${prefix}" of <${name}> is not declared`);
  }
  return { localName, namespace };
}

/** Parses a whole document; throws an {@link XmlError} naming what is wrong. */
export function parseXml(text: string): XmlElement {
  let at = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;

  const skipMarkup = (open: string, close: string, what: string) => {
    const end = text.indexOf(close, at + open.length);
    if (end < 0) throw new XmlError(`Unterminated ${what}`);
    const inner = text.slice(at + open.length, end);
    at = end + close.length;
    return inner;
  };
  const addChild = (node: XmlNode) => {
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(node);
    else if (node.kind === "element") {
      if (root) throw new XmlError("A document has one root element");
      root = node;
    } else if (node.kind === "text" && node.text.trim() !== "") {
      throw new XmlError("Text outside the root element");
    }
  };

  while (at < text.length) {
    if (text.startsWith("<!--", at)) {
      addChild({ kind: "comment", text: skipMarkup("<!--", "-->", "comment") });
    } else if (text.startsWith("<![CDATA[", at)) {
      if (stack.length === 0) throw new XmlError("CDATA outside the root element");
      addChild({ kind: "text", text: skipMarkup("<![CDATA[", "]]>", "CDATA section") });
    } else if (text.startsWith("<!", at)) {
      throw new XmlError("Document type declarations are not accepted");
    } else if (text.startsWith("<?", at)) {
      skipMarkup("<?", "?>", "processing instruction");
    } else if (text.startsWith("</", at)) {
      const match = /^<\/([^\s>]+)\s*>/.exec(text.slice(at));
      const open = stack.pop();
      if (!match || !open || match[1] !== open.name) {
        throw new XmlError(`Unexpected closing tag ${match ? `</${match[1]}>` : ""}`.trim());
      }
      at += match[0].length;
    } else if (text[at] === "<") {
      at = parseStartTag(text, at + 1, stack, addChild);
    } else {
      const end = text.indexOf("<", at);
      const raw = text.slice(at, end < 0 ? text.length : end);
      at += raw.length;
      addChild({ kind: "text", text: decodeEntities(raw) });
    }
  }
  if (stack.length > 0) throw new XmlError(`<${stack[stack.length - 1].name}> is not closed`);
  if (!root) throw new XmlError("No root element");
  return root;
}

function parseStartTag(
  text: string,
  from: number,
  stack: XmlElement[],
  addChild: (node: XmlNode) => void,
): number {
  let at = from;
  const name = NAME.exec(text.slice(at))?.[0];
  if (!name) throw new XmlError("A tag must start with a name");
  at += name.length;
  const attributes = new Map<string, string>();
  for (;;) {
    const end = /^\s*(\/?)>/.exec(text.slice(at));
    if (end) {
      at += end[0].length;
      const parentScope = stack[stack.length - 1]?.scope ?? new Map<string, string>();
      const scope = new Map(parentScope);
      for (const [attribute, value] of attributes) {
        if (attribute === "xmlns") scope.set("", value);
        else if (attribute.startsWith("xmlns:")) scope.set(attribute.slice(6), value);
      }
      for (const attribute of attributes.keys()) {
        if (attribute !== "xmlns" && !attribute.startsWith("xmlns:")) {
          splitName(attribute, scope, true);
        }
      }
      const element: XmlElement = {
        kind: "element",
        name,
        ...splitName(name, scope, false),
        attributes,
        children: [],
        scope,
      };
      addChild(element);
      if (end[1] !== "/") stack.push(element);
      return at;
    }
    const attribute = /^\s+([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(text.slice(at));
    if (!attribute || !NAME.test(attribute[1])) {
      throw new XmlError(`Malformed attribute in <${name}>`);
    }
    if (attributes.has(attribute[1])) {
      throw new XmlError(`Attribute ${attribute[1]} appears twice in <${name}>`);
    }
    attributes.set(attribute[1], decodeEntities(attribute[2] ?? attribute[3]));
    at += attribute[0].length;
  }
}

const escapeText = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const escapeAttribute = (text: string) => escapeText(text).replace(/"/g, "&quot;");

function serializeNode(node: XmlNode): string {
  if (node.kind === "text") return escapeText(node.text);
  if (node.kind === "comment") return `<!--${node.text}-->`;
  const attributes = [...node.attributes]
    .map(([name, value]) => ` ${name}="${escapeAttribute(value)}"`)
    .join("");
  if (node.children.length === 0) return `<${node.name}${attributes}/>`;
  return `<${node.name}${attributes}>${node.children.map(serializeNode).join("")}</${node.name}>`;
}

/** The document as UTF-8 XML text, with an XML declaration. */
export function serializeXml(root: XmlElement): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${serializeNode(root)}`;
}

/** The child elements of `parent` in a namespace, with a local name. */
export function childElements(
  parent: XmlElement,
  namespace: string,
  localName: string,
): XmlElement[] {
  return parent.children.filter(
    (child): child is XmlElement =>
      child.kind === "element" && child.namespace === namespace && child.localName === localName,
  );
}

/**
 * A new element in a namespace, under `parent`: it uses the prefix bound to the
 * namespace there, or declares `preferredPrefix` on itself when none is.
 */
export function createElement(
  parent: XmlElement,
  namespace: string,
  localName: string,
  preferredPrefix: string,
): XmlElement {
  const bound = [...parent.scope].find(([, uri]) => uri === namespace)?.[0];
  const prefix = bound ?? preferredPrefix;
  const scope = new Map(parent.scope);
  const attributes = new Map<string, string>();
  if (bound === undefined) {
    attributes.set(prefix === "" ? "xmlns" : `xmlns:${prefix}`, namespace);
    scope.set(prefix, namespace);
  }
  return {
    kind: "element",
    name: prefix === "" ? localName : `${prefix}:${localName}`,
    localName,
    namespace,
    attributes,
    children: [],
    scope,
  };
}

/** Replaces the children of `parent` that match by namespace and local name with `content`. */
export function setChildText(
  parent: XmlElement,
  namespace: string,
  localName: string,
  preferredPrefix: string,
  text: string,
): void {
  const existing = childElements(parent, namespace, localName);
  const element = existing[0] ?? createElement(parent, namespace, localName, preferredPrefix);
  element.children.splice(0, element.children.length, { kind: "text", text });
  if (existing.length === 0) parent.children.push(element);
  for (const extra of existing.slice(1)) parent.children.splice(parent.children.indexOf(extra), 1);
}

/** Removes the children of `parent` that match by namespace and local name. */
export function removeChildren(parent: XmlElement, namespace: string, localName: string): void {
  for (const child of childElements(parent, namespace, localName)) {
    parent.children.splice(parent.children.indexOf(child), 1);
  }
}

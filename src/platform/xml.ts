/**
 * A small XML writer for standards output (Open311 now, CAP later): escapes every text node
 * and attribute, so no caller can produce malformed or injected XML.
 */
export type XmlValue = string | number | boolean | null | undefined | XmlElement[] | XmlElement;

export interface XmlElement {
  name: string;
  value: XmlValue;
  /** Attributes in order (namespaces, Atom's link href and type). */
  attributes?: Record<string, string>;
}

export const el = (name: string, value: XmlValue): XmlElement => ({ name, value });
/** An element with attributes, e.g. `<alert xmlns="...">` or `<link href="..." type="..."/>`. */
export const elWith = (name: string, attributes: Record<string, string>, value: XmlValue): XmlElement => ({ name, value, attributes });

export function escapeXml(text: string): string {
  // Characters XML 1.0 forbids cannot be escaped, only dropped.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export function xmlDocument(root: XmlElement): string {
  const parts: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  write(root, parts);
  parts.push('\n');
  return parts.join('');
}

function write(node: XmlElement, out: string[]): void {
  const { value } = node;
  const name = node.attributes
    ? `${node.name}${Object.entries(node.attributes).map(([key, text]) => ` ${key}="${escapeXml(text)}"`).join('')}`
    : node.name;
  if (value === null || value === undefined || value === '') {
    out.push(`<${name}/>`);
  } else if (Array.isArray(value)) {
    out.push(`<${name}>`);
    for (const child of value) write(child, out);
    out.push(`</${node.name}>`);
  } else if (typeof value === 'object') {
    out.push(`<${name}>`);
    write(value, out);
    out.push(`</${node.name}>`);
  } else {
    out.push(`<${name}>${escapeXml(String(value))}</${node.name}>`);
  }
}

// Writing the Query protocol's XML: escaping, small element builders and the response / error
// envelopes that boto3's strict parser and the SDK v3 deserialiser both accept.

/** Escapes text for element content and attribute values. CR is written as a character reference
 *  because XML parsers normalise a literal CR to LF, which would change the value on the way back. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"'\r]/g, (c) => {
    switch (c) {
      case '&': return '&amp;';
      case '<': return '&lt;';
      case '>': return '&gt;';
      case '"': return '&quot;';
      case "'": return '&apos;';
      default: return '&#13;';
    }
  });
}

/** `<name>escaped text</name>`, or nothing when the value is absent. */
export function textElement(name: string, value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** `<name>…children…</name>` (children are already XML). */
export function element(name: string, children: string): string {
  return children === '' ? `<${name}/>` : `<${name}>${children}</${name}>`;
}

/** A Query-protocol list: `<name><member>…</member>…</name>`; an empty list is `<name/>`. */
export function memberList<T>(name: string, items: readonly T[], renderItem: (item: T) => string): string {
  return element(name, items.map((item) => `<member>${renderItem(item)}</member>`).join(''));
}

/** An operation's output as the Query protocol serialises it: members in order, absent ones left out. */
export interface XmlShape {
  [member: string]: XmlValue;
}

export type XmlValue = string | number | boolean | undefined | readonly XmlValue[] | XmlShape;

/** Members in insertion order: scalars as text elements, structures nested, lists as `<member>`s. */
export function shapeXml(shape: XmlShape): string {
  let out = '';
  for (const [name, value] of Object.entries(shape)) out += memberXml(name, value);
  return out;
}

function memberXml(name: string, value: XmlValue): string {
  if (value === undefined) return '';
  if (isList(value)) return memberList(name, value, itemXml);
  if (typeof value === 'object') return element(name, shapeXml(value));
  return textElement(name, value);
}

function itemXml(value: XmlValue): string {
  if (value === undefined) return '';
  if (isList(value)) return value.map((v) => `<member>${itemXml(v)}</member>`).join('');
  if (typeof value === 'object') return shapeXml(value);
  return escapeXml(String(value));
}

const isList = (value: XmlValue): value is readonly XmlValue[] => Array.isArray(value);

/** `<ActionResponse xmlns><ActionResult>…</ActionResult><ResponseMetadata>…` — operations without
 *  output (DeleteRole, PutRolePolicy, …) have no Result element at all, as AWS sends them. */
export function successXml(action: string, namespace: string, requestId: string, result: string | undefined): string {
  const resultXml = result === undefined ? '' : `<${action}Result>${result}</${action}Result>`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<${action}Response xmlns="${namespace}">${resultXml}` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`
  );
}

export function errorXml(namespace: string, requestId: string, error: { type: 'Sender' | 'Receiver'; code: string; message: string }): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<ErrorResponse xmlns="${namespace}"><Error>` +
    `<Type>${error.type}</Type>${textElement('Code', error.code)}${textElement('Message', error.message)}` +
    `</Error><RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}

import { base64 } from "@scure/base";

/** A file carried in a DM3 message's `attachments` as a `data:` URI (RFC 2397; the file name in a `name` parameter). */
export type DataUriFile = { type: string; filename: string | undefined; bytes: Uint8Array };

const DATA_URI = /^data:([^,]*?),(.*)$/s;
const MEDIA_TYPE = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/i;

/** The file in a `data:` URI, or undefined when `uri` is not one (a bridge forwards only what it can carry unchanged). */
export function parseDataUri(uri: string): DataUriFile | undefined {
  const match = DATA_URI.exec(uri);
  if (!match) return undefined;
  const [type = "", ...parameters] = (match[1] ?? "").split(";");
  const isBase64 = parameters.at(-1)?.toLowerCase() === "base64";
  let filename: string | undefined;
  for (const parameter of isBase64 ? parameters.slice(0, -1) : parameters) {
    const at = parameter.indexOf("=");
    if (at > 0 && parameter.slice(0, at).toLowerCase() === "name") filename = safeDecode(parameter.slice(at + 1));
  }
  try {
    const data = match[2] ?? "";
    const bytes = isBase64 ? base64.decode(data.replace(/\s+/g, "")) : new TextEncoder().encode(safeDecode(data) ?? "");
    return { type: MEDIA_TYPE.test(type) ? type.toLowerCase() : "text/plain", filename, bytes };
  } catch {
    return undefined;
  }
}

/** A `data:` URI carrying `file` (base64, the name percent-encoded). */
export function toDataUri(file: DataUriFile): string {
  const name = file.filename ? `;name=${encodeURIComponent(file.filename)}` : "";
  return `data:${MEDIA_TYPE.test(file.type) ? file.type.toLowerCase() : "application/octet-stream"}${name};base64,${base64.encode(file.bytes)}`;
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

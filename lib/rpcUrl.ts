/**
 * RPC URLs as secrets. An operator's node URL may carry credentials (user:pass@), an API key in its path
 * (https://host/v3/KEY) or in its query (?apikey=KEY), so it is never printed whole: every log line of the keeper,
 * deploy, upgrade, relay and `npm start` shows it as scheme://host:port (`redactRpcUrl`) and passes any text that may
 * quote it (an ethers error carries its request URL) through `redactRpcText`. A URL with user:pass@ is connected to
 * without them in the URL: they go in a Basic Authorization header (`rpcConnection`, `rpcFetchRequest`), which is
 * what Node's fetch needs (it refuses a URL with credentials) and what ethers sends.
 */
import { FetchRequest } from "ethers";

const DEFAULT_PORTS: Record<string, string> = { "http:": "80", "https:": "443", "ws:": "80", "wss:": "443" };

/** The URL as scheme://host:port, the only parts of it a log line or a page may show; "(not a URL)" when unparseable. */
export function redactRpcUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "(not a URL)";
  }
  const port = parsed.port || DEFAULT_PORTS[parsed.protocol] || "";
  return `${parsed.protocol}//${parsed.hostname}${port ? `:${port}` : ""}`;
}

/** Why `url` cannot be used as an RPC endpoint, in words (never quoting its secret parts), or null when it can. */
export function rpcUrlProblem(url: string, setting = "FLUX_RPC_URL"): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${setting} is not a URL (expected http(s)://host:port/...)`;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    return `${setting} uses ${parsed.protocol.replace(/:$/, "")}://, but only http:// and https:// RPC URLs are supported (${redactRpcUrl(url)})`;
  }
  if (decodeURIComponent(parsed.username).includes(":")) return `${setting}'s user name may not contain ":" (${redactRpcUrl(url)})`;
  return null;
}

/** Any URL in free text: scheme, then everything up to a space, quote or bracket. */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'`<>()[\]{},]+/gi;

/** The parts of `url` that may be secret on their own (credentials, path segments, query values), longest first. */
function secretPartsOf(url: string): string[] {
  const parts = new Set<string>();
  try {
    const parsed = new URL(url);
    for (const part of [parsed.username, parsed.password]) {
      parts.add(part);
      parts.add(decodeURIComponent(part));
    }
    for (const segment of parsed.pathname.split("/")) if (segment.length >= 4) parts.add(segment);
    for (const value of parsed.searchParams.values()) if (value.length >= 4) parts.add(value);
    if (parsed.hash.length > 1) parts.add(parsed.hash.slice(1));
  } catch {
    parts.add(url); // not a URL: the whole string is all there is to hide
  }
  return [...parts].filter((part) => part.length > 0).sort((a, b) => b.length - a.length);
}

/**
 * `text` safe for a log line: every URL in it reduced to scheme://host:port, and every part of `secretUrls` that could
 * be a key (user, password, path segment, query value) removed even where it stands alone.
 */
export function redactRpcText(text: string, ...secretUrls: string[]): string {
  let redacted = text.replace(URL_IN_TEXT, (match) => {
    // Punctuation that ends a sentence is not part of the URL ("at http://host:3000; chain ...").
    const [, url, tail] = /^(.*?)([.,;:!?]*)$/.exec(match)!;
    const shown = redactRpcUrl(url);
    return (shown === "(not a URL)" ? "[redacted URL]" : shown) + tail;
  });
  for (const url of secretUrls) {
    for (const part of secretPartsOf(url)) redacted = redacted.split(part).join("[redacted]");
  }
  return redacted;
}

/**
 * A redactor for text a visitor sees (the relay's answers, the chain-error page): as `redactRpcText`, and the node's
 * host and port go too, since the browser has no business knowing where the operator's node is.
 */
export function publicRedactor(rpcUrl: string): (text: string) => string {
  const hosts: string[] = [];
  try {
    const parsed = new URL(rpcUrl);
    hosts.push(redactRpcUrl(rpcUrl), parsed.host, parsed.hostname);
  } catch {
    // redactRpcText hides an unparseable URL whole
  }
  const sorted = hosts.filter((host) => host.length > 0).sort((a, b) => b.length - a.length);
  return (text) => sorted.reduce((out, host) => out.split(host).join("[redacted]"), redactRpcText(text, rpcUrl));
}

/**
 * Where and how to send a request to `url`: the URL without user:pass@, and the headers that carry them instead
 * (Basic authorization; the URL's percent-encoding decoded first). For Node's fetch, which refuses credentials in a URL.
 */
export function rpcConnection(url: string): { url: string; headers: Record<string, string> } {
  const parsed = new URL(url);
  if (!parsed.username && !parsed.password) return { url, headers: {} };
  const credentials = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
  parsed.username = "";
  parsed.password = "";
  return { url: parsed.toString(), headers: { authorization: `Basic ${Buffer.from(credentials, "utf8").toString("base64")}` } };
}

/**
 * An ethers FetchRequest for `url` (pass it to `new JsonRpcProvider(...)` instead of the string): user:pass@ become an
 * Authorization header, so the URL ethers keeps (and quotes in its errors) has no credentials in it.
 */
export function rpcFetchRequest(url: string): FetchRequest {
  const connection = rpcConnection(url);
  const request = new FetchRequest(connection.url);
  for (const [name, value] of Object.entries(connection.headers)) request.setHeader(name, value);
  return request;
}

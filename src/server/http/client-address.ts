import { isIP } from "node:net";

/** An address as written in headers and sockets, without the IPv4-in-IPv6 prefix. */
function normalize(address: string): string {
  const trimmed = address.trim();
  return trimmed.startsWith("::ffff:") && isIP(trimmed.slice(7)) === 4 ? trimmed.slice(7) : trimmed;
}

/**
 * The address of the client a request comes from. The socket's peer address, unless that
 * peer is a trusted proxy: then the nearest address in `X-Forwarded-For` (read from the
 * right) that is not itself a trusted proxy. A client that sends its own `X-Forwarded-For`
 * to the app directly, or through a proxy, can only add entries to the left of the ones
 * that count, so it cannot choose its address.
 */
export function clientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustedProxies: ReadonlySet<string>,
): string | undefined {
  if (!socketAddress) return undefined;
  const peer = normalize(socketAddress);
  if (!trustedProxies.has(peer) || !forwardedFor) return peer;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor).split(",").map(normalize);
  for (let index = hops.length - 1; index >= 0; index--) {
    const hop = hops[index]!;
    if (isIP(hop) === 0) return peer;
    if (!trustedProxies.has(hop)) return hop;
  }
  return peer;
}

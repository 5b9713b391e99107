import { describe, expect, test } from "vitest";

import { clientAddress } from "./client-address";

const proxies = new Set(["10.0.0.1", "10.0.0.2"]);

describe("the client address rate limits count against", () => {
  test("is the socket's peer when it is not a trusted proxy, whatever X-Forwarded-For says", () => {
    expect(clientAddress("203.0.113.7", "198.51.100.1", proxies)).toBe("203.0.113.7");
    expect(clientAddress("203.0.113.7", undefined, proxies)).toBe("203.0.113.7");
  });

  test("is the nearest untrusted hop behind trusted proxies", () => {
    expect(clientAddress("10.0.0.1", "198.51.100.1", proxies)).toBe("198.51.100.1");
    expect(clientAddress("10.0.0.1", "198.51.100.1, 10.0.0.2", proxies)).toBe("198.51.100.1");
  });

  test("cannot be chosen by a client that prepends its own X-Forwarded-For", () => {
    // The proxy appends the real peer; the forged entries stay on the left.
    expect(clientAddress("10.0.0.1", "1.2.3.4, 5.6.7.8, 198.51.100.1", proxies)).toBe("198.51.100.1");
    expect(clientAddress("10.0.0.1", ["1.2.3.4", "198.51.100.1"], proxies)).toBe("198.51.100.1");
  });

  test("falls back to the proxy itself when the forwarded chain is garbage", () => {
    expect(clientAddress("10.0.0.1", "not-an-address", proxies)).toBe("10.0.0.1");
    expect(clientAddress("10.0.0.1", "10.0.0.2", proxies)).toBe("10.0.0.1");
  });

  test("treats IPv4-mapped IPv6 sockets as their IPv4 address", () => {
    expect(clientAddress("::ffff:10.0.0.1", "198.51.100.1", proxies)).toBe("198.51.100.1");
    expect(clientAddress("::ffff:203.0.113.7", undefined, proxies)).toBe("203.0.113.7");
  });
});

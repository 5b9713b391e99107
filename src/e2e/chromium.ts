/** Debian's Chromium, driven by playwright-core: no browser download at test time. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

export const INSTALL_CHROMIUM = "apt-get update && apt-get install -y --no-install-recommends chromium";

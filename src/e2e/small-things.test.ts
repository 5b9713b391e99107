import { expect } from "vitest";

import { browserTest, signUp } from "./harness";

browserTest("the app has a favicon, app icons and a web manifest", async ({ person }) => {
  const ivy = await person({ name: "Ivy" });
  const { page } = ivy;
  await page.goto("/");
  const links = await page.locator("link[rel~=icon], link[rel=apple-touch-icon], link[rel=manifest]").evaluateAll((elements) =>
    elements.map((element) => [element.getAttribute("rel"), element.getAttribute("href")]),
  );
  expect(links.map(([rel]) => rel).sort()).toEqual(expect.arrayContaining(["apple-touch-icon", "icon", "manifest"]));
  for (const [, href] of links) expect((await page.request.get(href ?? "")).status(), href ?? "").toBe(200);
  expect((await page.request.get("/favicon.ico")).headers()["content-type"]).toMatch(/image/);

  const manifest = (await (await page.request.get("/manifest.webmanifest")).json()) as { name: string; start_url: string; icons: { src: string; sizes: string }[] };
  expect(manifest).toMatchObject({ name: "Tasks", start_url: "/tasks" });
  expect(manifest.icons.map((icon) => icon.sizes)).toEqual(expect.arrayContaining(["192x192", "512x512"]));
  for (const icon of manifest.icons) {
    const response = await page.request.get(icon.src);
    expect(response.headers()["content-type"]).toBe("image/png");
  }
});

browserTest("a field's error goes away as soon as it is fixed; date fields offer only the dates the server takes", async ({ person }) => {
  const val = await person({ name: "Val" });
  const { page } = val;
  await signUp(val);
  const title = page.getByLabel("New task");
  await title.press("Enter");
  await page.getByText("Title is required").waitFor();
  await title.pressSequentially("B");
  await page.getByText("Title is required").waitFor({ state: "detached" });
  expect(await title.getAttribute("aria-invalid")).toBeNull();

  const due = page.getByLabel("Due date (optional)");
  expect([await due.getAttribute("min"), await due.getAttribute("max")]).toEqual(["1000-01-01", "9999-12-31"]);
});

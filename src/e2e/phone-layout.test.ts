import { expect } from "vitest";

import { addTask, browserTest, PHONE, signUp, taskRow } from "./harness";

const LONG_TITLE =
  "Write to the council about the broken street light on the corner of Elm Street and ask when it will be repaired, with photos";

browserTest("on a 390×844 phone the first task shows without scrolling, with icon actions and targets of 24×24 px or more", async ({ person }) => {
  const pia = await person({ name: "Pia", viewport: PHONE });
  const { page } = pia;
  await signUp(pia);
  await addTask(page, LONG_TITLE);
  await addTask(page, "Short one");
  await page.reload();

  const first = await page.getByRole("listitem").first().boundingBox();
  console.info(`phone layout: the first task's top is at ${first?.y} px of ${PHONE.height}`);
  expect(first?.y, "the first task's top").toBeLessThan(PHONE.height - 60);
  expect(await page.evaluate(() => document.documentElement.scrollWidth), "no sideways scrolling").toBeLessThanOrEqual(PHONE.width);

  // Row actions are icons whose buttons still have names.
  const actions = taskRow(page, "Short one").getByRole("button");
  expect(await actions.evaluateAll((buttons) => buttons.map((button) => [button.getAttribute("aria-label"), button.textContent]))).toEqual([
    ["Edit “Short one”", ""],
    ["Delete “Short one”", ""],
  ]);

  // The search box beside the order menu stays wide enough to type in (regression: it shrank to a sliver).
  expect((await page.getByLabel("Search tasks").boundingBox())?.width).toBeGreaterThanOrEqual(150);

  // A long title keeps most of the row, not a sliver.
  const title = await taskRow(page, LONG_TITLE).getByText(LONG_TITLE).boundingBox();
  expect(title?.width).toBeGreaterThanOrEqual(200);

  const tooSmall = await page.evaluate(() =>
    [...document.querySelectorAll("a, button, input, select, textarea, summary")]
      .map((element) => ({ element, box: element.getBoundingClientRect() }))
      // Hidden ones (the skip link until focused, fields in closed sections) are no targets.
      .filter(({ element, box }) => box.width > 1 && box.height > 1 && !["inset(50%)"].includes(getComputedStyle(element).clipPath) && getComputedStyle(element).clip !== "rect(0px, 0px, 0px, 0px)")
      .filter(({ box }) => box.width < 24 || box.height < 24)
      .map(({ element, box }) => `${element.outerHTML.slice(0, 80)}: ${box.width}×${box.height}`),
  );
  expect(tooSmall).toEqual([]);
});

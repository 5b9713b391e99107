import { randomUUID } from "node:crypto";

import * as fc from "fast-check";
import { afterAll, beforeAll, expect, test } from "vitest";

import { user } from "@/server/db/schema/auth";
import { createTestDatabase, type TestDatabase } from "@/test/database";

import { createTaskRepository, type TaskRepository } from "./task-repository";

/**
 * Isolation as a property: random interleavings of creates, updates, deletes, reads and lists
 * by several users — aimed at their own tasks, other users' tasks and ids that exist nowhere —
 * must leave every user's view equal to a model in which users share nothing, and every
 * operation on a task that is not the caller's must find nothing and change nothing.
 */

interface ModelTask {
  owner: number;
  title: string;
  completed: boolean;
}

interface Model {
  tasks: Map<string, ModelTask>;
  /** Every id ever created, deleted or not, for operations to aim at. */
  ids: string[];
}

interface Real {
  repositories: TaskRepository[];
}

const USERS = 3;

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(() => database.close());

/** An id an operation aims at: one created earlier (anyone's, maybe deleted), or one that never existed. */
type Target = { created: number } | { missing: string };

function resolve(model: Model, target: Target): string {
  if ("missing" in target) return target.missing;
  return model.ids.length === 0 ? randomUUID() : model.ids[target.created % model.ids.length]!;
}

const target: fc.Arbitrary<Target> = fc.oneof(
  { weight: 4, arbitrary: fc.nat().map((created) => ({ created })) },
  { weight: 1, arbitrary: fc.uuid({ version: 4 }).map((missing) => ({ missing })) },
);

class Create implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly user: number,
    readonly title: string,
  ) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const result = await real.repositories[this.user]!.create({ title: this.title });
    if (result.status !== "created") throw new Error("quota reached in a model run");
    model.tasks.set(result.task.id, { owner: this.user, title: this.title, completed: false });
    model.ids.push(result.task.id);
  }
  toString = () => `create(user ${this.user}, ${JSON.stringify(this.title)})`;
}

class Update implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly user: number,
    readonly target: Target,
    readonly patch: { title?: string; completed?: boolean },
  ) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const id = resolve(model, this.target);
    const before = model.tasks.get(id);
    const result = await real.repositories[this.user]!.update(id, this.patch);
    if (before?.owner === this.user) {
      expect(result.status).toBe("updated");
      model.tasks.set(id, { ...before, ...this.patch });
    } else {
      expect(result).toEqual({ status: "not_found" });
    }
  }
  toString = () => `update(user ${this.user}, ${JSON.stringify(this.target)}, ${JSON.stringify(this.patch)})`;
}

class Remove implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly user: number,
    readonly target: Target,
  ) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const id = resolve(model, this.target);
    const owned = model.tasks.get(id)?.owner === this.user;
    expect((await real.repositories[this.user]!.remove(id))?.id ?? null).toBe(owned ? id : null);
    if (owned) model.tasks.delete(id);
  }
  toString = () => `remove(user ${this.user}, ${JSON.stringify(this.target)})`;
}

class Read implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly user: number,
    readonly target: Target,
  ) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const id = resolve(model, this.target);
    const expected = model.tasks.get(id);
    const task = await real.repositories[this.user]!.getById(id);
    if (expected?.owner === this.user) expect(task).toMatchObject({ id, title: expected.title, completed: expected.completed });
    else expect(task).toBeNull();
  }
  toString = () => `read(user ${this.user}, ${JSON.stringify(this.target)})`;
}

class List implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly user: number,
    readonly status: "all" | "active" | "completed",
  ) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const repository = real.repositories[this.user]!;
    const { items } = await repository.list({ status: this.status, limit: 100 });
    const expected = [...model.tasks]
      .filter(([, task]) => task.owner === this.user)
      .filter(([, task]) => this.status === "all" || task.completed === (this.status === "completed"))
      .map(([id, task]) => ({ id, title: task.title, completed: task.completed }));
    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
    expect(items.map(({ id, title, completed }) => ({ id, title, completed })).sort(byId)).toEqual(expected.sort(byId));
    const owned = [...model.tasks.values()].filter((task) => task.owner === this.user);
    expect(await repository.stats()).toEqual({
      total: owned.length,
      active: owned.filter((task) => !task.completed).length,
      completed: owned.filter((task) => task.completed).length,
    });
  }
  toString = () => `list(user ${this.user}, ${this.status})`;
}

const userIndex = fc.integer({ min: 0, max: USERS - 1 });
const title = fc.string({ minLength: 1, maxLength: 20 }).filter((value) => value.trim().length > 0 && !value.includes("\u0000"));

const commands = [
  fc.tuple(userIndex, title).map(([owner, text]) => new Create(owner, text.trim())),
  fc
    .tuple(userIndex, target, fc.record({ title: title.map((text) => text.trim()), completed: fc.boolean() }, { requiredKeys: [] }))
    .filter(([, , patch]) => Object.keys(patch).length > 0)
    .map(([owner, aim, patch]) => new Update(owner, aim, patch)),
  fc.tuple(userIndex, target).map(([owner, aim]) => new Remove(owner, aim)),
  fc.tuple(userIndex, target).map(([owner, aim]) => new Read(owner, aim)),
  fc.tuple(userIndex, fc.constantFrom("all", "active", "completed") as fc.Arbitrary<"all" | "active" | "completed">).map(
    ([owner, status]) => new List(owner, status),
  ),
];

async function freshUsers(): Promise<string[]> {
  const ids = Array.from({ length: USERS }, () => randomUUID());
  await database.db.insert(user).values(ids.map((id) => ({ id, name: "Model user", email: `${id}@example.com` })));
  return ids;
}

async function checkIsolation(withoutOwnerFilter: boolean) {
  await fc.assert(
    fc.asyncProperty(fc.commands(commands, { maxCommands: 40 }), async (program) => {
      const userIds = await freshUsers();
      const real = { repositories: userIds.map((id) => createTaskRepository(database.db, id, { withoutOwnerFilter })) };
      await fc.asyncModelRun(() => ({ model: { tasks: new Map(), ids: [] }, real }), program);
    }),
    { numRuns: 25 },
  );
}

test("users see exactly their own tasks, whatever they try on others'", async () => {
  await checkIsolation(false);
});

test("row-level security alone keeps users apart, with the repository's user_id filter removed", async () => {
  await checkIsolation(true);
});

-- tasks_app may reach the tasks table and nothing else: no privilege at all on the auth
-- schema, and row-level security (policy tasks_owner_only) limits it to the user bound
-- for the current transaction.
GRANT USAGE ON SCHEMA app TO tasks_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON app.tasks TO tasks_app;

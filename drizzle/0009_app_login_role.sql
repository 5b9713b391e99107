-- What the app's own login may do, as a role: an operator's login role joins it
-- (`GRANT tasks_login TO <login>`) and then needs neither superuser nor table ownership;
-- migrations keep running as the owner (DATABASE_URL_UNPOOLED or `npm run db:migrate`).
-- Roles are cluster-wide: another database of the server, or the operator, may have made it.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'tasks_login') THEN
    CREATE ROLE tasks_login NOLOGIN;
  END IF;
EXCEPTION
  WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;
--> statement-breakpoint
-- The task repository switches to tasks_app per transaction, which only its members may do.
DO $$
BEGIN
  IF NOT pg_catalog.pg_has_role('tasks_login', 'tasks_app', 'MEMBER') THEN
    GRANT tasks_app TO tasks_login;
  END IF;
END
$$;
--> statement-breakpoint
-- Better Auth reads and writes every table of schema auth; the app its limit tables. Tasks
-- stay reachable only as tasks_app (0002), under row-level security.
GRANT USAGE ON SCHEMA auth, app TO tasks_login;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA auth TO tasks_login;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON app.sign_in_throttle, app.write_limit TO tasks_login;
--> statement-breakpoint
-- Tables and sequences later migrations create (as this same owner) follow automatically.
ALTER DEFAULT PRIVILEGES IN SCHEMA auth, app GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO tasks_login;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA auth, app GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO tasks_login;
--> statement-breakpoint
-- The owner too is held to the policy (it has none, so it sees no task): only superusers and
-- the referential actions of foreign keys bypass it. A data migration of tasks must SET ROLE.
ALTER TABLE app.tasks FORCE ROW LEVEL SECURITY;

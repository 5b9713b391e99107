-- The restricted role the task repository switches to (see src/server/db/schema/tasks.ts).
-- Roles are cluster-wide, so another database of the same server may have created it already,
-- possibly at this very moment: creation tolerates both.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'tasks_app') THEN
    CREATE ROLE tasks_app NOLOGIN;
  END IF;
EXCEPTION
  WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;
--> statement-breakpoint
-- The connecting user must be a member to `SET ROLE tasks_app`; superusers already may.
DO $$
BEGIN
  IF NOT pg_catalog.pg_has_role(current_user, 'tasks_app', 'MEMBER') THEN
    EXECUTE format('GRANT tasks_app TO %I', current_user);
  END IF;
END
$$;

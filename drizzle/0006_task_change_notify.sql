-- Every committed change to a task is announced on channel task_changes, so every instance
-- can tell that user's open views to refetch. A trigger, not the application, sends it: it
-- goes out in the writing transaction (delivered only if that commits) whatever path wrote.
-- The payload names the owner, the task and the kind of change, never the task's content.
CREATE FUNCTION app.notify_task_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  changed app.tasks := COALESCE(NEW, OLD);
BEGIN
  PERFORM pg_notify('task_changes', json_build_object(
    'userId', changed.user_id,
    'taskId', changed.id,
    'kind', CASE TG_OP WHEN 'INSERT' THEN 'created' WHEN 'UPDATE' THEN 'updated' ELSE 'deleted' END
  )::text);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER tasks_notify_change AFTER INSERT OR UPDATE OR DELETE ON app.tasks
FOR EACH ROW EXECUTE FUNCTION app.notify_task_change();

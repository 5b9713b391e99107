CREATE TABLE "app"."write_limit" (
	"user_id" text PRIMARY KEY NOT NULL,
	"window_started_at" timestamp with time zone NOT NULL,
	"writes" integer NOT NULL
);

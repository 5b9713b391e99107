import { formAlert } from "@/components/ui";

/** What a section's last action did: a notice, announced politely, or a failure, as an alert. */
export function ActionOutcome({ notice, failure }: { notice: string | null; failure: string | null }) {
  return (
    <>
      <div aria-live="polite" className="mt-3 text-sm">
        {notice ? <p role="status">{notice}</p> : null}
      </div>
      {failure ? (
        <p role="alert" className={`mt-3 ${formAlert}`}>
          {failure}
        </p>
      ) : null}
    </>
  );
}

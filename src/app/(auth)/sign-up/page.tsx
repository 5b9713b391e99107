import type { Metadata } from "next";
import { redirect } from "next/navigation";

import { AuthSwitchLink, SignUpForm } from "@/components/auth/auth-form";
import { safeNextPath } from "@/components/auth/next-path";
import { mutedText } from "@/components/ui";
import { getSession } from "@/trpc/server";

export const metadata: Metadata = { title: "Create an account" };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const next = safeNextPath((await searchParams).next);
  if (await getSession()) redirect(next);

  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight">Create an account</h1>
      <p className={`mt-1 mb-6 text-sm ${mutedText}`}>Only you will ever see your tasks.</p>
      <SignUpForm next={next} />
      <p className={`mt-6 text-sm ${mutedText}`}>
        Already have an account? <AuthSwitchLink to="/sign-in" next={next}>Sign in</AuthSwitchLink>
      </p>
    </>
  );
}

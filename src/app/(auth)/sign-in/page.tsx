import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";

import { AuthSwitchLink, SignInForm } from "@/components/auth/auth-form";
import { safeNextPath } from "@/components/auth/next-path";
import { PasskeySignIn } from "@/components/auth/passkey-sign-in";
import { mutedText } from "@/components/ui";
import { getSession } from "@/trpc/server";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const next = safeNextPath(params.next);
  if (await getSession()) redirect(next);

  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight">Sign in</h1>
      <p className={`mt-1 mb-6 text-sm ${mutedText}`}>Welcome back. Your tasks are waiting.</p>
      {params.reset === "done" ? (
        <p role="status" className="mb-4 text-sm">
          Your password has been changed. Sign in with it.
        </p>
      ) : null}
      <SignInForm next={next} />
      <PasskeySignIn next={next} />
      <p className="mt-4 text-sm">
        <Link href="/forgot-password" className="font-semibold text-indigo-800 underline-offset-2 hover:underline dark:text-indigo-200">
          Forgot password?
        </Link>
      </p>
      <p className={`mt-6 text-sm ${mutedText}`}>
        New here? <AuthSwitchLink to="/sign-up" next={next}>Create an account</AuthSwitchLink>
      </p>
    </>
  );
}

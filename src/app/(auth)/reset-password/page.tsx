import type { Metadata } from "next";

import { InvalidResetLink, ResetPasswordForm } from "@/components/auth/password-reset-forms";

export const metadata: Metadata = { title: "Choose a new password" };

/**
 * Where the emailed link lands, through Better Auth's `/api/auth/reset-password/:token`:
 * with `?token=` while the link is good, `?error=INVALID_TOKEN` once used or expired.
 */
export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token, error } = await searchParams;
  return (
    <>
      <h1 className="mb-6 text-2xl font-bold tracking-tight">Choose a new password</h1>
      {typeof token === "string" && token && !error ? <ResetPasswordForm token={token} /> : <InvalidResetLink />}
    </>
  );
}

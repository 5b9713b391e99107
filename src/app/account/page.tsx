import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";

import { ChangeEmailForm } from "@/components/account/change-email-form";
import { ChangePasswordForm } from "@/components/account/change-password-form";
import { DeleteAccountForm } from "@/components/account/delete-account-form";
import { PasskeysSection } from "@/components/account/passkeys-section";
import { SessionsList } from "@/components/account/sessions-list";
import { TwoFactorSection } from "@/components/account/two-factor-section";
import { SignOutButton } from "@/components/sign-out-button";
import { mutedText } from "@/components/ui";
import { getSession } from "@/trpc/server";

export const metadata: Metadata = { title: "Your account" };

export default async function AccountPage() {
  // The protection itself: the session is read from the database for this request.
  const session = await getSession();
  if (!session) redirect("/sign-in?next=%2Faccount");

  return (
    <div className="mx-auto max-w-3xl px-4 pb-16 sm:px-6">
      <header className="flex flex-wrap items-center justify-between gap-3 py-5">
        <Link href="/tasks" className="text-xl font-bold tracking-tight">
          Tasks
        </Link>
        <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
          <p className={`text-sm ${mutedText}`}>
            Signed in as <span className="font-semibold text-slate-900 dark:text-slate-100">{session.user.name}</span>{" "}
            <span className="break-all">({session.user.email})</span>
          </p>
          <SignOutButton />
        </div>
      </header>
      <main id="main" className="space-y-6">
        <h1 className="text-3xl font-bold tracking-tight">Your account</h1>
        <SessionsList currentSessionId={session.session.id} />
        <ChangePasswordForm />
        <ChangeEmailForm currentEmail={session.user.email} />
        <TwoFactorSection enabled={session.user.twoFactorEnabled === true} />
        <PasskeysSection />
        <DeleteAccountForm />
      </main>
    </div>
  );
}

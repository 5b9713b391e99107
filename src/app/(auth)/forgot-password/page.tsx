import type { Metadata } from "next";

import { ForgotPasswordForm } from "@/components/auth/password-reset-forms";
import { mutedText } from "@/components/ui";

export const metadata: Metadata = { title: "Forgot password" };

export default function ForgotPasswordPage() {
  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight">Forgot your password?</h1>
      <p className={`mt-1 mb-6 text-sm ${mutedText}`}>Enter your email and we will send you a link to choose a new one.</p>
      <ForgotPasswordForm />
    </>
  );
}

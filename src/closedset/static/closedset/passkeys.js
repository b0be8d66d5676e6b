// After a passkey is added, show the account page again so the new passkey is listed.
document.addEventListener("otp_webauthn.register_complete", () => {
  window.location.reload();
});

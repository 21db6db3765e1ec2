package fr.portailcomptes.keycloak.sms;

/**
 * Keeps a code reversibly but unreadably, for the one case that needs it back: a resend within the
 * code's lifetime sends the same code again. Verification never needs it (it uses the hash).
 */
public interface CodeSealer {

  /** The sealed code, or {@code null} when it cannot be sealed (then a resend draws a new code). */
  String seal(String code);

  /** The code back, or {@code null} when it cannot be opened (key rotated away, tampered). */
  String open(String sealed);

  /** A sealer that keeps nothing: every resend draws a new code. */
  CodeSealer NONE =
      new CodeSealer() {
        @Override
        public String seal(String code) {
          return null;
        }

        @Override
        public String open(String sealed) {
          return null;
        }
      };
}

package fr.portailcomptes.keycloak.gates;

import java.util.Map;
import org.keycloak.models.AuthenticatorConfigModel;

/**
 * What one refusal execution is configured with: the message its error page shows.
 *
 * @param message a message key (theme message or realm localization text, e.g. {@code
 *     portail.tp-denied.dpae}) or a literal text; Keycloak's form provider resolves it in the
 *     user's language
 */
public record RefusalConfig(String message) {

  /**
   * Config key of the message: the same as Keycloak's {@code deny-access-authenticator}, so an
   * execution config written for that one works unchanged with ours.
   */
  public static final String MESSAGE = "denyErrorMessage";

  /** Keycloak's own "access denied" message key, shown when nothing is configured. */
  public static final String DEFAULT_MESSAGE = "access-denied";

  public RefusalConfig {
    message = message == null || message.isBlank() ? DEFAULT_MESSAGE : message.strip();
  }

  /** The execution's config; none, or a blank message, gives {@link #DEFAULT_MESSAGE}. */
  public static RefusalConfig of(AuthenticatorConfigModel model) {
    Map<String, String> config = model == null ? null : model.getConfig();
    return new RefusalConfig(config == null ? null : config.get(MESSAGE));
  }
}

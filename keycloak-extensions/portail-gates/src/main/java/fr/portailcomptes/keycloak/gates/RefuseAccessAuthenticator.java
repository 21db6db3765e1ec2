package fr.portailcomptes.keycloak.gates;

import jakarta.ws.rs.core.Response;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Ends the login on Keycloak's error page (HTTP 403) with the configured message, like Keycloak's
 * {@code deny-access-authenticator}, but without counting a failed login.
 *
 * <p>Keycloak's authenticator calls {@code context.failure(...)}: the flow processor then records a
 * failure with the brute-force protector, so a refusal that has nothing to do with the user's
 * credentials (an application asking for a teleprocedure the user does not hold) can lock the user
 * out. This one answers with {@code forceChallenge(...)}: the flow stops on the page, no code is
 * issued (and {@code prompt=none} gets {@code login_required}), and the brute-force protector is
 * never called. A {@code LOGIN_ERROR} event ({@code access_denied}, the user when known, the
 * message key as reason) is still sent for the audit.
 *
 * <p>Stateless: one instance serves every session.
 */
public final class RefuseAccessAuthenticator implements Authenticator {

  static final Response.Status STATUS = Response.Status.FORBIDDEN;

  @Override
  public void authenticate(AuthenticationFlowContext context) {
    refuse(context);
  }

  /** Anything posted back to the refusal page (or a replayed action URL) is refused again. */
  @Override
  public void action(AuthenticationFlowContext context) {
    refuse(context);
  }

  private static void refuse(AuthenticationFlowContext context) {
    RefusalConfig config = RefusalConfig.of(context.getAuthenticatorConfig());
    EventBuilder event = context.getEvent();
    UserModel user = context.getUser();
    if (user != null) {
      event.user(user);
    }
    event.detail(Details.REASON, config.message()).error(Errors.ACCESS_DENIED);
    Response page = context.form().setError(config.message()).createErrorPage(STATUS);
    // A challenge, not a failure: the flow processor logs a brute-force failure only for
    // failure() and failureChallenge(). "force": shown even where the execution is not REQUIRED.
    context.forceChallenge(page);
  }

  /** No user needed: the refusal also works before (or without) identification. */
  @Override
  public boolean requiresUser() {
    return false;
  }

  @Override
  public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
    return false;
  }

  @Override
  public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {}

  @Override
  public void close() {}
}

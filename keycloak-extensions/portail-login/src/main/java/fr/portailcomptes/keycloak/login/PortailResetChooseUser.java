package fr.portailcomptes.keycloak.login;

import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.Optional;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.browser.AbstractUsernameFormAuthenticator;
import org.keycloak.authentication.authenticators.resetcred.ResetCredentialChooseUser;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.models.DefaultActionTokenKey;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.services.managers.AuthenticationManager;

/**
 * The first step of "forgotten password": the portal's identifiers ({@link LoginScheme}), the user
 * they designate. Whether anyone was found is never shown: the flow goes on either way, and the
 * next step (the e-mail) says the same thing to everyone; with nobody found, nothing is sent.
 */
public final class PortailResetChooseUser implements Authenticator {

  /**
   * Auth note: the identifiers as typed, whether or not they found someone (the next steps show
   * them instead of a login that only a person found has; module portail-question reads it).
   */
  public static final String TYPED_NOTE = "portail.typedIdentifiers";

  /**
   * Auth note: the same identifiers in the resolver's canonical form ({@link
   * Identifiers#canonical}).
   */
  public static final String CANONICAL_NOTE = "portail.canonicalIdentifiers";

  /** Message key (theme) when a field of the scheme is left empty. */
  static final String MISSING = "portailLoginMissingIdentifiers";

  @Override
  public void authenticate(AuthenticationFlowContext context) {
    String tokenUser =
        context.getAuthenticationSession().getAuthNote(DefaultActionTokenKey.ACTION_TOKEN_USER_ID);
    if (tokenUser != null) { // back from the e-mail link: its token already says who
      UserModel user = context.getSession().users().getUserById(context.getRealm(), tokenUser);
      if (user != null) {
        context.setUser(user);
        context.success();
        return;
      }
    }
    AuthenticationManager.AuthResult signedIn =
        AuthenticationManager.authenticateIdentityCookie(
            context.getSession(), context.getRealm(), true);
    if (signedIn != null) { // a signed-in person changes its own password
      context
          .getAuthenticationSession()
          .setAuthNote(
              AbstractUsernameFormAuthenticator.ATTEMPTED_USERNAME, signedIn.user().getUsername());
      context.setUser(signedIn.user());
      context.success();
      return;
    }
    context.challenge(page(context, Identifiers.of(PortailLoginForm.scheme(context), Map.of())));
  }

  @Override
  public void action(AuthenticationFlowContext context) {
    Identifiers typed =
        Identifiers.of(PortailLoginForm.scheme(context), PortailLoginForm.posted(context));
    if (!typed.complete()) {
      context.getEvent().error(Errors.USERNAME_MISSING);
      Response again =
          context
              .form()
              .setAttribute(LoginPage.ATTRIBUTE, LoginPage.of(typed))
              .addError(new FormMessage(typed.scheme().fields().get(0), MISSING))
              .createPasswordReset();
      context.failureChallenge(AuthenticationFlowError.INVALID_USER, again);
      return;
    }
    RealmModel realm = context.getRealm();
    Optional<UserModel> found = UserResolver.resolve(context.getSession(), realm, typed);
    context.getAuthenticationSession().setAuthNote(TYPED_NOTE, typed.display());
    context.getAuthenticationSession().setAuthNote(CANONICAL_NOTE, typed.canonical());
    context
        .getAuthenticationSession()
        .setAuthNote(
            AbstractUsernameFormAuthenticator.ATTEMPTED_USERNAME,
            found.map(UserModel::getUsername).orElse(typed.display()));
    if (found.isEmpty()) {
      context
          .getEvent()
          .clone()
          .detail(Details.USERNAME, typed.display())
          .error(Errors.USER_NOT_FOUND);
      context.clearUser();
    } else if (!found.get().isEnabled()) {
      context
          .getEvent()
          .clone()
          .detail(Details.USERNAME, found.get().getUsername())
          .user(found.get())
          .error(Errors.USER_DISABLED);
      context.clearUser();
    } else {
      // As Keycloak's own step does: a user chosen here is cleared again if this tab goes back to
      // the login form (else the form would show, and accept a password for, whoever was typed).
      context
          .getAuthenticationSession()
          .setAuthNote(ResetCredentialChooseUser.RESET_CREDENTIAL_USER_CHOSEN, "true");
      context.setUser(found.get());
    }
    context.success();
  }

  private static Response page(AuthenticationFlowContext context, Identifiers typed) {
    return context
        .form()
        .setAttribute(LoginPage.ATTRIBUTE, LoginPage.of(typed))
        .createPasswordReset();
  }

  @Override
  public boolean requiresUser() {
    return false;
  }

  @Override
  public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
    return true;
  }

  @Override
  public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {}

  @Override
  public void close() {}
}

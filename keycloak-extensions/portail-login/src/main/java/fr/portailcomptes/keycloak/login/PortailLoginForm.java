package fr.portailcomptes.keycloak.login;

import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.util.HashMap;
import java.util.Map;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.authenticators.browser.UsernamePasswordForm;
import org.keycloak.authentication.authenticators.util.AuthenticatorUtils;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Keycloak's username and password form, asking for the portal's identifiers instead of a username
 * ({@link LoginScheme}): the user they designate is then checked by Keycloak exactly as if its
 * username had been typed (password, disabled user, brute-force counted on that user). Identifiers
 * that designate nobody, or more than one person, take Keycloak's "unknown user" path: the page
 * shows the message of a wrong password, and nothing tells the two apart.
 */
public final class PortailLoginForm extends UsernamePasswordForm {

  /**
   * Stands for "nobody" in Keycloak's username field: the colon is one of the characters Keycloak's
   * user profile never lets into a username, so no user can have it.
   */
  static final String NOBODY_PREFIX = "portail:";

  private Identifiers typed; // this request's (the factory makes one form per request)

  public PortailLoginForm(KeycloakSession session) {
    super(session);
  }

  @Override
  public void authenticate(AuthenticationFlowContext context) {
    typed = Identifiers.of(scheme(context), Map.of());
    AuthenticationSessionModel session = context.getAuthenticationSession();
    if (session.getAuthNote(PortailResetChooseUser.TYPED_NOTE) != null) {
      // This tab comes back from "forgotten password": what its steps noted (the identifiers
      // typed there, shown in place of a login) is not who signs in here.
      session.removeAuthNote(PortailResetChooseUser.TYPED_NOTE);
      session.removeAuthNote(PortailResetChooseUser.CANONICAL_NOTE);
      session.removeAuthNote(USERNAME_HIDDEN);
      session.removeAuthNote(ATTEMPTED_USERNAME);
    }
    super.authenticate(context);
  }

  @Override
  protected boolean validateForm(
      AuthenticationFlowContext context, MultivaluedMap<String, String> formData) {
    LoginScheme scheme = scheme(context);
    typed = Identifiers.of(scheme, first(formData));
    if (scheme == LoginScheme.ACCOUNT_LOGIN
        || isUserAlreadySetBeforeUsernamePasswordAuth(context)) {
      return super.validateForm(context, formData); // Keycloak's own field, or the password only
    }
    MultivaluedMap<String, String> asUsername = new MultivaluedHashMap<>(formData);
    String username =
        UserResolver.resolve(context.getSession(), context.getRealm(), typed)
            .map(UserModel::getUsername)
            .orElse(typed.complete() ? NOBODY_PREFIX + typed.display() : "");
    asUsername.putSingle(LoginScheme.USERNAME, username);
    return super.validateForm(context, asUsername);
  }

  @Override
  protected Response challenge(
      AuthenticationFlowContext context, MultivaluedMap<String, String> formData) {
    describe(context);
    return super.challenge(context, formData);
  }

  @Override
  protected Response challenge(AuthenticationFlowContext context, String error, String field) {
    describe(context);
    return super.challenge(context, error, field);
  }

  /**
   * A person locked out by brute-force detection takes as long to answer as anyone else (a password
   * is hashed either way): the time does not tell a known person from an unknown one.
   */
  @Override
  protected boolean isDisabledByBruteForce(AuthenticationFlowContext context, UserModel user) {
    boolean disabled = super.isDisabledByBruteForce(context, user);
    if (disabled) {
      AuthenticatorUtils.dummyHash(context);
    }
    return disabled;
  }

  @Override
  protected Response createLoginForm(LoginFormsProvider form) {
    if (typed != null) {
      form.setAttribute(LoginPage.ATTRIBUTE, LoginPage.of(typed));
    }
    return super.createLoginForm(form);
  }

  private void describe(AuthenticationFlowContext context) {
    if (typed == null) {
      typed = Identifiers.of(scheme(context), posted(context));
    }
    context.form().setAttribute(LoginPage.ATTRIBUTE, LoginPage.of(typed));
  }

  static LoginScheme scheme(AuthenticationFlowContext context) {
    return LoginScheme.of(context.getRealm().getAttribute(LoginScheme.REALM_ATTRIBUTE));
  }

  static Map<String, String> posted(AuthenticationFlowContext context) {
    if (!"POST".equalsIgnoreCase(context.getHttpRequest().getHttpMethod())) {
      return Map.of();
    }
    return first(context.getHttpRequest().getDecodedFormParameters());
  }

  static Map<String, String> first(MultivaluedMap<String, String> formData) {
    Map<String, String> values = new HashMap<>();
    if (formData != null) {
      formData.forEach(
          (name, list) -> {
            if (list != null && !list.isEmpty() && list.get(0) != null) {
              values.put(name, list.get(0));
            }
          });
    }
    return values;
  }
}

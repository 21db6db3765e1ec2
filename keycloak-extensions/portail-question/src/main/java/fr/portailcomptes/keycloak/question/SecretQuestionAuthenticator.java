package fr.portailcomptes.keycloak.question;

import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.browser.AbstractUsernameFormAuthenticator;
import org.keycloak.authentication.authenticators.util.AuthenticatorUtils;
import org.keycloak.events.Errors;
import org.keycloak.models.DefaultActionTokenKey;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.OTPCredentialModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * "Forgotten password" by the secret question ({@value #TEMPLATE}), where the portal lists
 * questions: after the portal's identifiers, the person answers its question, then the flow goes on
 * (SMS code if it has a mobile, new password). An ALTERNATIVE to the e-mail link, which "try
 * another way" offers.
 *
 * <p>Nobody can tell from this page whether the identifiers designate someone: unknown identifiers,
 * a disabled person or one who never chose a question get one of the portal's questions too (always
 * the same for the same identifiers, from a digest keyed by the realm's secret), and every wrong
 * answer gets the same message in the same time. Wrong answers count towards brute-force detection
 * on the person designated; a locked-out person's answer is never checked.
 */
public final class SecretQuestionAuthenticator implements Authenticator {

  static final String TEMPLATE = "portail-secret-question.ftl";
  static final String ATTRIBUTE = "portailQuestion";
  static final String FIELD_ANSWER = "answer";

  /** Auth note written by portail-login's reset step: the identifiers as typed. */
  static final String TYPED_NOTE = "portail.typedIdentifiers";

  /** Auth note written by portail-login's reset step: the identifiers in the resolver's form. */
  static final String CANONICAL_NOTE = "portail.canonicalIdentifiers";

  /** Realm attribute: the secret the decoy questions are drawn with (made at first use). */
  static final String DECOY_KEY_ATTRIBUTE = "portail.secretQuestionDecoyKey";

  /** The verified mobile number (module portail-sms). */
  static final String PHONE_ATTRIBUTE = "portail.phone";

  private static final SecureRandom RANDOM = new SecureRandom();

  @Override
  public void authenticate(AuthenticationFlowContext context) {
    List<String> keys = SecretQuestionRequiredAction.questions(context.getRealm());
    UserModel user = context.getUser();
    String fromLink =
        context.getAuthenticationSession().getAuthNote(DefaultActionTokenKey.ACTION_TOKEN_USER_ID);
    if (keys.isEmpty() || (user != null && user.getId().equals(fromLink))) {
      context.attempted(); // no questions here, or back from the e-mail link: that proves enough
      return;
    }
    context.challenge(page(context, question(context, keys, own(context, keys)), null));
  }

  @Override
  public void action(AuthenticationFlowContext context) {
    List<String> keys = SecretQuestionRequiredAction.questions(context.getRealm());
    Optional<SecretQuestionCredentialModel> own = own(context, keys);
    String question = question(context, keys, own);
    String answer = context.getHttpRequest().getDecodedFormParameters().getFirst(FIELD_ANSWER);
    if (SecretQuestions.normalize(answer).isEmpty()) {
      context.challenge(
          page(context, question, new FormMessage(FIELD_ANSWER, "portailQuestionAnswerMissing")));
      return;
    }
    UserModel user = context.getUser();
    boolean right;
    if (own.isPresent()
        && AuthenticatorUtils.getDisabledByBruteForceEventError(context, user) == null) {
      right =
          SecretQuestionCredentialProviderFactory.of(context.getSession())
              .matches(user, own.get(), answer);
    } else {
      AuthenticatorUtils.dummyHash(context); // as long as a real check
      right = false;
    }
    if (right && !hasSecondFactor(user)) {
      // Only someone who answered right reads this: it tells nobody else anything. A question is
      // never the only proof: without a mobile (or TOTP) to check next, the e-mail link it is.
      context.challenge(
          page(
              context,
              question,
              new FormMessage(FIELD_ANSWER, "portailQuestionNeedsSecondFactor")));
      return;
    }
    if (right) {
      AuthenticationSessionModel session = context.getAuthenticationSession();
      session.setAuthNote(AbstractUsernameFormAuthenticator.ATTEMPTED_USERNAME, user.getUsername());
      session.removeAuthNote(AbstractUsernameFormAuthenticator.USERNAME_HIDDEN);
      context.success();
      return;
    }
    if (user != null) {
      context.getEvent().user(user);
    }
    context.getEvent().error(Errors.INVALID_USER_CREDENTIALS);
    context.failureChallenge(
        AuthenticationFlowError.INVALID_CREDENTIALS,
        page(context, question, new FormMessage(FIELD_ANSWER, "portailQuestionWrongAnswer")));
  }

  /** A verified mobile (the SMS step follows) or a TOTP device (so does its step). */
  static boolean hasSecondFactor(UserModel user) {
    String phone = user.getFirstAttribute(PHONE_ATTRIBUTE);
    return (phone != null && !phone.isBlank())
        || user.credentialManager().isConfiguredFor(OTPCredentialModel.TYPE);
  }

  /**
   * The question of the person designated, read once per request: only an enabled person's, and
   * only one of the portal's questions today (a question the portal dropped is no question).
   */
  private static Optional<SecretQuestionCredentialModel> own(
      AuthenticationFlowContext context, List<String> keys) {
    UserModel user = context.getUser();
    if (user == null || !user.isEnabled()) {
      return Optional.empty();
    }
    return SecretQuestionCredentialProviderFactory.of(context.getSession())
        .stored(user)
        .filter(stored -> keys.contains(stored.question()));
  }

  /** The person's question, or the decoy for these identifiers. */
  private static String question(
      AuthenticationFlowContext context,
      List<String> keys,
      Optional<SecretQuestionCredentialModel> own) {
    if (own.isPresent()) {
      return own.get().question();
    }
    return SecretQuestions.decoy(keys, keyedDigest(context.getRealm(), canonical(context)));
  }

  /** The identifiers as typed on the reset page (portail-login's note), else the login typed. */
  private static String typed(AuthenticationFlowContext context) {
    AuthenticationSessionModel session = context.getAuthenticationSession();
    String typed = session.getAuthNote(TYPED_NOTE);
    if (typed == null) { // Keycloak's own reset step: the login typed is all there is
      typed = session.getAuthNote(AbstractUsernameFormAuthenticator.ATTEMPTED_USERNAME);
      if (typed != null) {
        session.setAuthNote(TYPED_NOTE, typed);
      }
    }
    return typed == null ? "" : typed;
  }

  /**
   * The identifiers in the resolver's form (portail-login's note): every way of typing the same
   * person draws the same decoy, as a real person always gets its own question.
   */
  private static String canonical(AuthenticationFlowContext context) {
    String canonical = context.getAuthenticationSession().getAuthNote(CANONICAL_NOTE);
    return canonical != null ? canonical : typed(context).toLowerCase(Locale.ROOT);
  }

  /**
   * An HMAC under the realm's own decoy key (realm attribute {@value #DECOY_KEY_ATTRIBUTE}, made at
   * first use): unlike the realm's signing keys, it does not rotate, so a decoy never changes.
   */
  private static byte[] keyedDigest(RealmModel realm, String canonical) {
    String secret = realm.getAttribute(DECOY_KEY_ATTRIBUTE);
    if (secret == null || secret.isBlank()) {
      byte[] fresh = new byte[32];
      RANDOM.nextBytes(fresh);
      secret = Base64.getEncoder().encodeToString(fresh);
      realm.setAttribute(DECOY_KEY_ATTRIBUTE, secret);
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret), "HmacSHA256"));
      return mac.doFinal(canonical.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException("no HMAC for the decoy question", e);
    }
  }

  private static Response page(
      AuthenticationFlowContext context, String question, FormMessage error) {
    // Keycloak's page template shows the login of a person found, and nothing for identifiers
    // that found nobody: here both see the identifiers they typed.
    AuthenticationSessionModel session = context.getAuthenticationSession();
    session.setAuthNote(AbstractUsernameFormAuthenticator.ATTEMPTED_USERNAME, typed(context));
    session.setAuthNote(AbstractUsernameFormAuthenticator.USERNAME_HIDDEN, "true");
    var form = context.form().setAttribute(ATTRIBUTE, Map.of("question", question));
    if (error != null) {
      form.addError(error);
    }
    return form.createForm(TEMPLATE);
  }

  @Override
  public boolean requiresUser() {
    return false; // unknown identifiers get a question too: see the class comment
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

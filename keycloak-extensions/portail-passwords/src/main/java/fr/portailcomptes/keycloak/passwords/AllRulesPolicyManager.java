package fr.portailcomptes.keycloak.passwords;

import java.io.IOException;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.policy.PasswordPolicyManagerProvider;
import org.keycloak.policy.PasswordPolicyProvider;
import org.keycloak.policy.PolicyError;
import org.keycloak.theme.Theme;

/**
 * Design rule 19: a refused password is refused with every rule of the portal it breaks named (the
 * seeds list them all), where Keycloak's own manager stops at the first. One broken rule:
 * Keycloak's own message, unchanged. Several: the message {@value #MESSAGE} of the login theme,
 * whose parameter is the list of the broken rules in the words the page uses to show them before
 * the person types ({@code portailPasswordRule…}), in the person's language.
 */
final class AllRulesPolicyManager implements PasswordPolicyManagerProvider {

  static final String MESSAGE = "portailPasswordRulesBroken";
  private static final Logger LOG = Logger.getLogger(AllRulesPolicyManager.class);

  /**
   * Keycloak's message of a broken rule, and the login theme's words for that rule, in the order
   * the page lists the rules.
   */
  private static final List<Map.Entry<String, String>> RULES =
      List.of(
          Map.entry("invalidPasswordMinLengthMessage", "portailPasswordRuleLength"),
          Map.entry("invalidPasswordMaxLengthMessage", "portailPasswordRuleMaxLength"),
          Map.entry("invalidPasswordMinDigitsMessage", "portailPasswordRuleDigits"),
          Map.entry("invalidPasswordMinLowerCaseCharsMessage", "portailPasswordRuleLowerCase"),
          Map.entry("invalidPasswordMinUpperCaseCharsMessage", "portailPasswordRuleUpperCase"),
          Map.entry("invalidPasswordMinSpecialCharsMessage", "portailPasswordRuleSpecialChars"),
          Map.entry("invalidPasswordRegexPatternMessage", "portailPasswordRuleCharacters"),
          Map.entry("invalidPasswordNotUsernameMessage", "portailPasswordRuleNotUsername"),
          Map.entry("invalidPasswordNotEmailMessage", "portailPasswordRuleNotEmail"));

  private final KeycloakSession session;

  AllRulesPolicyManager(KeycloakSession session) {
    this.session = session;
  }

  @Override
  public PolicyError validate(RealmModel realm, UserModel user, String password) {
    return refusal(realm, user, broken(realm, rule -> rule.validate(realm, user, password)));
  }

  @Override
  public PolicyError validate(String user, String password) {
    RealmModel realm = session.getContext().getRealm();
    return refusal(realm, null, broken(realm, rule -> rule.validate(user, password)));
  }

  @Override
  public void close() {}

  private List<PolicyError> broken(
      RealmModel realm, Function<PasswordPolicyProvider, PolicyError> check) {
    List<PolicyError> broken = new ArrayList<>();
    for (String id : realm.getPasswordPolicy().getPolicies()) {
      PolicyError error = check.apply(session.getProvider(PasswordPolicyProvider.class, id));
      if (error != null) {
        broken.add(error);
      }
    }
    return broken;
  }

  private PolicyError refusal(RealmModel realm, UserModel user, List<PolicyError> broken) {
    if (broken.size() <= 1) {
      return broken.isEmpty() ? null : broken.get(0);
    }
    Locale locale = session.getContext().resolveLocale(user);
    Properties words = words(realm, locale);
    List<String> named = new ArrayList<>();
    broken.stream()
        .sorted(Comparator.comparingInt(AllRulesPolicyManager::position))
        .forEach(error -> named.add(named(error, words, locale)));
    return new PolicyError(MESSAGE, String.join(" ; ", named));
  }

  /** Where the page lists the rule (rules it does not list come last). */
  private static int position(PolicyError error) {
    for (int i = 0; i < RULES.size(); i++) {
      if (RULES.get(i).getKey().equals(error.getMessage())) {
        return i;
      }
    }
    return RULES.size();
  }

  /** The rule in the page's words (its own message when the theme has none for it). */
  static String named(PolicyError error, Properties words, Locale locale) {
    String key =
        RULES.stream()
            .filter(rule -> rule.getKey().equals(error.getMessage()))
            .map(Map.Entry::getValue)
            .findFirst()
            .orElse(error.getMessage());
    String pattern = words.getProperty(key);
    if (pattern == null) {
      pattern = words.getProperty(error.getMessage(), error.getMessage());
    }
    return new MessageFormat(pattern, locale).format(error.getParameters());
  }

  private Properties words(RealmModel realm, Locale locale) {
    try {
      Theme theme = session.theme().getTheme(Theme.Type.LOGIN);
      return theme.getEnhancedMessages(realm, locale);
    } catch (IOException exc) {
      LOG.warnf("login theme messages unreadable: %s", exc.getMessage());
      return new Properties();
    }
  }
}

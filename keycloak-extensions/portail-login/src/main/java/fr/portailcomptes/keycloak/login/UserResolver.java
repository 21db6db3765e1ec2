package fr.portailcomptes.keycloak.login;

import java.util.List;
import java.util.Optional;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * The one user the typed identifiers designate, or none: unknown and ambiguous are the same (the
 * page then says what it says for a wrong password, nothing more).
 */
public final class UserResolver {

  /** The user attribute the provisioner writes with the account's legal identifier (SIRET). */
  public static final String IDENTIFIER_ATTRIBUTE = "portail.identifier";

  private UserResolver() {}

  public static Optional<UserModel> resolve(
      KeycloakSession session, RealmModel realm, Identifiers typed) {
    if (!typed.complete()) {
      return Optional.empty();
    }
    return switch (typed.scheme()) {
      case ACCOUNT_LOGIN ->
          Optional.ofNullable(
              session.users().getUserByUsername(realm, typed.value(LoginScheme.USERNAME)));
      case EMAIL -> byEmail(session, realm, typed.value(LoginScheme.USERNAME));
      case SIRET_NAMES -> bySiretAndNames(session, realm, typed);
    };
  }

  private static Optional<UserModel> byEmail(
      KeycloakSession session, RealmModel realm, String email) {
    if (!email.contains("@")) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(session.users().getUserByEmail(realm, email));
    } catch (ModelDuplicateException duplicate) {
      return Optional.empty(); // two people with one address: ambiguous
    }
  }

  private static Optional<UserModel> bySiretAndNames(
      KeycloakSession session, RealmModel realm, Identifiers typed) {
    String siret = typed.siret();
    if (siret.isEmpty()) {
      return Optional.empty();
    }
    List<UserModel> matching =
        session
            .users()
            .searchForUserByUserAttributeStream(realm, IDENTIFIER_ATTRIBUTE, siret)
            .filter(user -> typed.namesMatch(user.getLastName(), user.getFirstName()))
            .limit(2)
            .toList();
    return matching.size() == 1 ? Optional.of(matching.get(0)) : Optional.empty();
  }
}

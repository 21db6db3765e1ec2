package fr.portailcomptes.keycloak.admin;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * Many accounts per call: each a top-level group and its users, each user in the group with its
 * realm roles, all in one Keycloak transaction. The admin API needs four calls per account (group,
 * user, membership, roles), and each call costs Keycloak about as much as the work it does
 * (authentication, permissions, a transaction): creating 2,000 accounts that way is bound by the
 * calls, not by the objects (docs/benchmarks.md).
 *
 * <p>Same permissions as those four calls (manage users and groups, map each role), same admin
 * events. An account whose group name, username or e-mail is taken is not created and is reported
 * as such (the caller adopts or refuses it the usual way); the others are.
 */
public final class AccountsResource {

  static final int MAX_ACCOUNTS = 200; // per call: one transaction stays short
  static final int MAX_USERS = 1000;

  private final KeycloakSession session;
  private final RealmModel realm;
  private final AdminPermissionEvaluator auth;
  private final AdminEventBuilder adminEvent;

  AccountsResource(
      KeycloakSession session,
      RealmModel realm,
      AdminPermissionEvaluator auth,
      AdminEventBuilder adminEvent) {
    this.session = session;
    this.realm = realm;
    this.auth = auth;
    this.adminEvent = adminEvent;
  }

  /** One account to create: its group and its users (with {@code realmRoles}). */
  public static final class NewAccount {
    public GroupRepresentation group;
    public List<UserRepresentation> users = List.of();
  }

  /** The request: {@code {"accounts": [...]}}. */
  public static final class Creation {
    public List<NewAccount> accounts = List.of();
  }

  /**
   * What became of one account, in the request's order: {@code created} with the group's id and
   * each user's id by username, or {@code exists} with what was taken ({@code group}, {@code user}
   * or {@code email}) and its name.
   */
  public static final class Outcome {
    public String status;
    public String group;
    public Map<String, String> users;
    public String taken;
    public String name;
  }

  @POST
  @Path("create")
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  public Map<String, List<Outcome>> create(Creation request) {
    auth.users().requireManage();
    auth.groups().requireManage();
    List<NewAccount> accounts =
        request == null || request.accounts == null ? List.of() : request.accounts;
    check(accounts);
    Map<String, RoleModel> roles = roles(accounts);
    Set<String> names = new HashSet<>();
    Set<String> usernames = new HashSet<>();
    Set<String> emails = new HashSet<>();
    List<Outcome> outcomes = new ArrayList<>();
    for (NewAccount account : accounts) {
      Outcome taken = taken(account, names, usernames, emails);
      outcomes.add(taken != null ? taken : created(account, roles));
    }
    return Map.of("accounts", outcomes);
  }

  private static void check(List<NewAccount> accounts) {
    if (accounts.size() > MAX_ACCOUNTS) {
      throw new BadRequestException("at most " + MAX_ACCOUNTS + " accounts per call");
    }
    int users = 0;
    for (NewAccount account : accounts) {
      if (account == null || account.group == null || blank(account.group.getName())) {
        throw new BadRequestException("every account needs a group with a name");
      }
      for (UserRepresentation user :
          account.users == null ? List.<UserRepresentation>of() : account.users) {
        if (user == null || blank(user.getUsername())) {
          throw new BadRequestException("every user needs a username");
        }
        users++;
      }
    }
    if (users > MAX_USERS) {
      throw new BadRequestException("at most " + MAX_USERS + " users per call");
    }
  }

  /** The realm roles the users ask for, each looked up once and checked: the caller may map it. */
  private Map<String, RoleModel> roles(List<NewAccount> accounts) {
    Map<String, RoleModel> roles = new HashMap<>();
    for (NewAccount account : accounts) {
      for (UserRepresentation user : users(account)) {
        for (String name :
            user.getRealmRoles() == null ? List.<String>of() : user.getRealmRoles()) {
          if (!roles.containsKey(name)) {
            RoleModel role = realm.getRole(name);
            if (role == null) {
              throw new BadRequestException("no realm role " + name);
            }
            auth.roles().requireMapRole(role);
            roles.put(name, role);
          }
        }
      }
    }
    return roles;
  }

  /** What of this account exists already (or comes twice in this call), or null. */
  private Outcome taken(
      NewAccount account, Set<String> names, Set<String> usernames, Set<String> emails) {
    String name = account.group.getName();
    if (!names.add(name) || session.groups().getGroupByName(realm, null, name) != null) {
      return exists("group", name);
    }
    for (UserRepresentation user : users(account)) {
      String username = user.getUsername().toLowerCase(Locale.ROOT);
      if (!usernames.add(username) || session.users().getUserByUsername(realm, username) != null) {
        return exists("user", username);
      }
      String email = user.getEmail();
      if (!blank(email) && !realm.isDuplicateEmailsAllowed()) {
        email = email.toLowerCase(Locale.ROOT);
        if (!emails.add(email) || session.users().getUserByEmail(realm, email) != null) {
          return exists("email", email);
        }
      }
    }
    return null;
  }

  private Outcome created(NewAccount account, Map<String, RoleModel> roles) {
    GroupModel group = session.groups().createGroup(realm, account.group.getName());
    attributes(account.group.getAttributes()).forEach(group::setAttribute);
    event(OperationType.CREATE, ResourceType.GROUP, account.group, "groups", group.getId());
    Map<String, String> ids = new LinkedHashMap<>();
    for (UserRepresentation rep : users(account)) {
      UserModel user = session.users().addUser(realm, rep.getUsername());
      user.setEnabled(Boolean.TRUE.equals(rep.isEnabled()));
      user.setEmail(rep.getEmail());
      user.setEmailVerified(Boolean.TRUE.equals(rep.isEmailVerified()));
      user.setFirstName(rep.getFirstName());
      user.setLastName(rep.getLastName());
      attributes(rep.getAttributes()).forEach(user::setAttribute);
      if (rep.getRequiredActions() != null) {
        rep.getRequiredActions().forEach(user::addRequiredAction);
      }
      UserRepresentation shown = new UserRepresentation();
      shown.setId(user.getId());
      shown.setUsername(user.getUsername());
      event(OperationType.CREATE, ResourceType.USER, shown, "users", user.getId());
      user.joinGroup(group);
      event(
          OperationType.CREATE,
          ResourceType.GROUP_MEMBERSHIP,
          null,
          "users",
          user.getId(),
          "groups",
          group.getId());
      List<String> granted = rep.getRealmRoles() == null ? List.of() : rep.getRealmRoles();
      granted.forEach(name -> user.grantRole(roles.get(name)));
      if (!granted.isEmpty()) {
        event(
            OperationType.CREATE,
            ResourceType.REALM_ROLE_MAPPING,
            null,
            "users",
            user.getId(),
            "role-mappings",
            "realm");
      }
      ids.put(user.getUsername(), user.getId());
    }
    Outcome outcome = new Outcome();
    outcome.status = "created";
    outcome.group = group.getId();
    outcome.users = ids;
    return outcome;
  }

  private void event(
      OperationType operation, ResourceType type, Object representation, String... path) {
    adminEvent
        .clone(session)
        .operation(operation)
        .resource(type)
        .resourcePath(path)
        .representation(representation)
        .success();
  }

  private static Outcome exists(String what, String name) {
    Outcome outcome = new Outcome();
    outcome.status = "exists";
    outcome.taken = what;
    outcome.name = name;
    return outcome;
  }

  private static List<UserRepresentation> users(NewAccount account) {
    return account.users == null ? List.of() : account.users;
  }

  private static Map<String, List<String>> attributes(Map<String, List<String>> attributes) {
    return attributes == null ? Map.of() : attributes;
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}

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
 * Many accounts per call. The admin API needs four calls to create an account (group, user,
 * membership, roles) and three to read one back (group, members, each member's roles), and each
 * call costs Keycloak about as much as the work it does (authentication, permissions, a
 * transaction): at 10,000 accounts the calls, not the objects, are the cost (docs/benchmarks.md).
 *
 * <ul>
 *   <li>{@code POST create}: each account a top-level group and its users, each user in the group
 *       with its realm roles, all in one transaction. Same permissions as the four calls (manage
 *       users and groups, map each role), same admin events. An account whose group name, username
 *       or e-mail is taken is not created and is reported as such (the caller adopts or refuses it
 *       the usual way); the others are.
 *   <li>{@code POST read}: groups by id, each with a page of its members, each member with its
 *       attributes, required actions and directly mapped realm roles. Same permissions as the three
 *       reads (view users and groups).
 * </ul>
 */
public final class AccountsResource {

  static final int MAX_ACCOUNTS = 200; // per call: one transaction stays short
  static final int MAX_USERS = 1000;
  static final int MAX_GROUPS = 200;
  static final int MAX_MEMBERS = 5000; // per call, all groups together
  // Attributes Keycloak stores as the user's own fields: set through them, never as attributes.
  static final Set<String> RESERVED = Set.of("username", "email", "firstName", "lastName");

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

  /** The request of {@code read}: group ids, and which page of their members. */
  public static final class Reading {
    public List<String> groups = List.of();
    public int first = 0;
    public int max = 100;
  }

  /**
   * Each group asked for, in the request's order: {@code {"id", "missing": true}}, or its id, name,
   * attributes, the page of members ({@code first}, at most {@code max}) and {@code more} when it
   * has members after that page.
   */
  @POST
  @Path("read")
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  public Map<String, List<Map<String, Object>>> read(Reading request) {
    auth.users().requireView();
    auth.groups().requireView();
    if (request == null || request.groups == null || request.groups.size() > MAX_GROUPS) {
      throw new BadRequestException("groups: a list of at most " + MAX_GROUPS + " group ids");
    }
    if (request.first < 0
        || request.max < 1
        || (long) request.max * Math.max(1, request.groups.size()) > MAX_MEMBERS) {
      throw new BadRequestException(
          "first >= 0, max >= 1, and max times the groups at most " + MAX_MEMBERS);
    }
    List<Map<String, Object>> groups = new ArrayList<>();
    for (String id : request.groups) {
      GroupModel group = id == null ? null : session.groups().getGroupById(realm, id);
      if (group == null) {
        groups.add(Map.of("id", String.valueOf(id), "missing", true));
        continue;
      }
      auth.groups().requireViewMembers(group);
      List<UserModel> page =
          session
              .users()
              .getGroupMembersStream(realm, group, request.first, request.max + 1)
              .toList();
      List<Map<String, Object>> members = new ArrayList<>();
      page.stream()
          .limit(request.max)
          .filter(user -> auth.users().canView(user))
          .forEach(user -> members.add(member(user)));
      Map<String, Object> read = new LinkedHashMap<>();
      read.put("id", group.getId());
      read.put("name", group.getName());
      read.put("attributes", group.getAttributes());
      read.put("members", members);
      read.put("more", page.size() > request.max);
      groups.add(read);
    }
    return Map.of("groups", groups);
  }

  private static Map<String, Object> member(UserModel user) {
    Map<String, Object> rep = new LinkedHashMap<>();
    rep.put("id", user.getId());
    rep.put("username", user.getUsername());
    rep.put("email", user.getEmail());
    rep.put("firstName", user.getFirstName());
    rep.put("lastName", user.getLastName());
    rep.put("enabled", user.isEnabled());
    rep.put("attributes", user.getAttributes());
    rep.put("requiredActions", user.getRequiredActionsStream().toList());
    rep.put("realmRoles", user.getRealmRoleMappingsStream().map(RoleModel::getName).toList());
    return rep;
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
    requiredActions(accounts);
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
        for (String key : attributes(user.getAttributes()).keySet()) {
          if (RESERVED.contains(key)) {
            throw new BadRequestException(
                "attribute " + key + ": give it as the user's own field, not as an attribute");
          }
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

  /** Only the realm's enabled required actions, as the admin API keeps. */
  private void requiredActions(List<NewAccount> accounts) {
    for (NewAccount account : accounts) {
      for (UserRepresentation user : users(account)) {
        for (String action :
            user.getRequiredActions() == null ? List.<String>of() : user.getRequiredActions()) {
          var provider = realm.getRequiredActionProviderByAlias(action);
          if (provider == null || !provider.isEnabled()) {
            throw new BadRequestException("no enabled required action " + action);
          }
        }
      }
    }
  }

  /** What of this account exists already (or comes twice in this call), or null. */
  private Outcome taken(
      NewAccount account, Set<String> names, Set<String> usernames, Set<String> emails) {
    // This account's names are added to those of the call only if none is taken.
    String name = account.group.getName();
    if (names.contains(name) || session.groups().getGroupByName(realm, null, name) != null) {
      return exists("group", name);
    }
    Set<String> mine = new HashSet<>();
    Set<String> addresses = new HashSet<>();
    for (UserRepresentation user : users(account)) {
      String username = user.getUsername().toLowerCase(Locale.ROOT);
      if (usernames.contains(username)
          || !mine.add(username)
          || session.users().getUserByUsername(realm, username) != null) {
        return exists("user", username);
      }
      String email = user.getEmail();
      if (!blank(email) && !realm.isDuplicateEmailsAllowed()) {
        email = email.toLowerCase(Locale.ROOT);
        if (emails.contains(email)
            || !addresses.add(email)
            || session.users().getUserByEmail(realm, email) != null) {
          return exists("email", email);
        }
      }
    }
    names.add(name);
    usernames.addAll(mine);
    emails.addAll(addresses);
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

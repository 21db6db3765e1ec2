package fr.portailcomptes.keycloak.gates;

import java.lang.reflect.Proxy;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Interface stubs without a mocking library: every call is recorded by method name, answered from
 * {@code answers} when listed, else with a neutral value (false, 0, empty stream, null).
 */
final class Stubs {

  private Stubs() {}

  static <T> T stub(
      Class<T> type, Map<String, Function<Object[], Object>> answers, List<String> calls) {
    Object proxy =
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (self, method, args) -> {
              switch (method.getName()) {
                case "toString":
                  return "stub " + type.getSimpleName();
                case "hashCode":
                  return System.identityHashCode(self);
                case "equals":
                  return self == args[0];
                default:
                  break;
              }
              calls.add(method.getName());
              Function<Object[], Object> answer = answers.get(method.getName());
              if (answer != null) {
                return answer.apply(args == null ? new Object[0] : args);
              }
              return neutral(method.getReturnType());
            });
    return type.cast(proxy);
  }

  static <T> T stub(Class<T> type) {
    return stub(type, Map.of(), new java.util.ArrayList<>());
  }

  private static Object neutral(Class<?> type) {
    if (type == boolean.class) {
      return false;
    }
    if (type == int.class) {
      return 0;
    }
    if (type == long.class) {
      return 0L;
    }
    if (Stream.class.isAssignableFrom(type)) {
      return Stream.empty();
    }
    if (type == List.class || type == Collection.class) {
      return List.of();
    }
    if (type == Map.class) {
      return Map.of();
    }
    return null;
  }
}

package fr.portailcomptes.keycloak.gates;

import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.GenericType;
import jakarta.ws.rs.core.Link;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.lang.annotation.Annotation;
import java.net.URI;
import java.util.Date;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A stand-in for the page Keycloak's form provider renders: only its status is real. (The JAX-RS
 * runtime that builds real responses is the server's, not on the unit-test class path.)
 */
final class PageResponse extends Response {

  private final StatusType status;

  PageResponse(StatusType status) {
    this.status = status;
  }

  @Override
  public int getStatus() {
    return status.getStatusCode();
  }

  @Override
  public StatusType getStatusInfo() {
    return status;
  }

  private static UnsupportedOperationException unused() {
    return new UnsupportedOperationException("not used by the authenticator");
  }

  @Override
  public Object getEntity() {
    throw unused();
  }

  @Override
  public <T> T readEntity(Class<T> type) {
    throw unused();
  }

  @Override
  public <T> T readEntity(GenericType<T> type) {
    throw unused();
  }

  @Override
  public <T> T readEntity(Class<T> type, Annotation[] annotations) {
    throw unused();
  }

  @Override
  public <T> T readEntity(GenericType<T> type, Annotation[] annotations) {
    throw unused();
  }

  @Override
  public boolean hasEntity() {
    throw unused();
  }

  @Override
  public boolean bufferEntity() {
    throw unused();
  }

  @Override
  public void close() {}

  @Override
  public MediaType getMediaType() {
    throw unused();
  }

  @Override
  public Locale getLanguage() {
    throw unused();
  }

  @Override
  public int getLength() {
    throw unused();
  }

  @Override
  public Set<String> getAllowedMethods() {
    throw unused();
  }

  @Override
  public Map<String, NewCookie> getCookies() {
    throw unused();
  }

  @Override
  public EntityTag getEntityTag() {
    throw unused();
  }

  @Override
  public Date getDate() {
    throw unused();
  }

  @Override
  public Date getLastModified() {
    throw unused();
  }

  @Override
  public URI getLocation() {
    throw unused();
  }

  @Override
  public Set<Link> getLinks() {
    throw unused();
  }

  @Override
  public boolean hasLink(String relation) {
    throw unused();
  }

  @Override
  public Link getLink(String relation) {
    throw unused();
  }

  @Override
  public Link.Builder getLinkBuilder(String relation) {
    throw unused();
  }

  @Override
  public MultivaluedMap<String, Object> getMetadata() {
    throw unused();
  }

  @Override
  public MultivaluedMap<String, String> getStringHeaders() {
    throw unused();
  }

  @Override
  public String getHeaderString(String name) {
    throw unused();
  }
}

<#--
  Portail Comptes: "password changed" notice to the account's responsible, sent by the
  portail-events listener (not by Keycloak's email templates, which only write to the user's own
  address). The listener formats portailPasswordChangedBodyHtml itself, arguments HTML-escaped,
  and passes it as portailBodyHtml; this file only puts it in the common frame of template.ftl.
  The plain-text version is portailPasswordChangedBody, with no template.
-->
<#import "template.ftl" as layout>
<@layout.emailLayout>
${portailBodyHtml?no_esc}
</@layout.emailLayout>

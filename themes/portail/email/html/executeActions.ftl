<#--
  Portail Comptes: the "actions required" e-mail. When the provisioner invites someone (rule 11),
  it puts on the user who invited them (portail-invitation.by) and the portal's support contact
  (portail-invitation.support): the message is then the portal's welcome (seed 002, step 15).
  Otherwise (an administrator's password link), Keycloak's wording with our texts.
-->
<#outputformat "plainText">
<#assign requiredActionsText><#if requiredActions??><#list requiredActions><#items as reqActionItem>${msg("requiredAction.${reqActionItem}")}<#sep>, </#sep></#items></#list></#if></#assign>
<#assign invitedBy = (user.attributes["portail-invitation.by"])!"">
<#assign support = (user.attributes["portail-invitation.support"])!"">
<#assign company = (user.attributes["portail.company-name"])!"">
<#assign minutes = linkExpiration?is_number?then(linkExpiration, (linkExpiration?string)?replace("[^0-9]", "", "r")?number)>
<#assign hours = (minutes / 60)?floor?c>
</#outputformat>
<#import "template.ftl" as layout>
<@layout.emailLayout>
<#if invitedBy?has_content>
${kcSanitize(msg("portailWelcomeBodyHtml", link, hours, realmName, invitedBy, company, user.username))?no_esc}
<#if support?has_content>${kcSanitize(msg("portailWelcomeSupportHtml", support))?no_esc}</#if>
<#else>
${kcSanitize(msg("executeActionsBodyHtml", link, linkExpiration, realmName, requiredActionsText, linkExpirationFormatter(linkExpiration)))?no_esc}
</#if>
</@layout.emailLayout>

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
<#-- Plain-text messages in HTML markup of our own: what administrators typed (the inviter's
     names, the company) is escaped as text, never read as markup. -->
<p>${msg("portailWelcomeHello")}</p>
<p>${msg("portailWelcomeIntro", invitedBy, realmName, company)} ${msg("portailWelcomeLogin")} <strong>${user.username}</strong></p>
<p><a href="${link}">${msg("portailWelcomeChoose")}</a></p>
<p>${msg("portailWelcomeValidity", hours, invitedBy)}</p>
<p>${msg("portailWelcomeFirstLogin")}</p>
<#if support?has_content><p>${msg("portailWelcomeSupport", support)}</p></#if>
<#else>
${kcSanitize(msg("executeActionsBodyHtml", link, linkExpiration, realmName, requiredActionsText, linkExpirationFormatter(linkExpiration)))?no_esc}
</#if>
</@layout.emailLayout>

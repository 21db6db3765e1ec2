<#ftl output_format="plainText">
<#-- Portail Comptes: the plain-text side of html/executeActions.ftl (the welcome of an invited person). -->
<#assign requiredActionsText><#if requiredActions??><#list requiredActions><#items as reqActionItem>${msg("requiredAction.${reqActionItem}")}<#sep>, </#items></#list><#else></#if></#assign>
<#assign invitedBy = (user.attributes["portail-invitation.by"])!"">
<#assign support = (user.attributes["portail-invitation.support"])!"">
<#assign company = (user.attributes["portail.company-name"])!"">
<#assign minutes = linkExpiration?is_number?then(linkExpiration, (linkExpiration?string)?replace("[^0-9]", "", "r")?number)>
<#assign hours = (minutes / 60)?floor?c>
<#if invitedBy?has_content>
${msg("portailWelcomeBody", link, hours, realmName, invitedBy, company, user.username)}
<#if support?has_content>

${msg("portailWelcomeSupport", support)}
</#if>
<#else>
${msg("executeActionsBody", link, linkExpiration, realmName, requiredActionsText, linkExpirationFormatter(linkExpiration))}
</#if>

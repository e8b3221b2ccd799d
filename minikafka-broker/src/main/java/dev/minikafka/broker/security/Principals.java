package dev.minikafka.broker.security;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/** Principal names: {@code User:orders} and {@code orders} are the same; a client certificate's is its CN. */
public final class Principals {

    private static final String USER_PREFIX = "User:";

    private Principals() {
    }

    static String normalize(String principal) {
        if (principal == null || principal.isBlank()) {
            throw new IllegalArgumentException("a principal must not be blank");
        }
        return principal.startsWith(USER_PREFIX) ? principal.substring(USER_PREFIX.length()) : principal;
    }

    /** The common name of a certificate subject, or the whole RFC 2253 name when it has none. */
    public static String fromCertificate(X500Principal subject) {
        String name = subject.getName(X500Principal.RFC2253);
        try {
            for (Rdn rdn : new LdapName(name).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
        } catch (InvalidNameException e) {
            // fall through: the JDK produced the name, so this does not happen; the full name still identifies
        }
        return name;
    }
}

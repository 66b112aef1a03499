// Pure: the hostnames an app's certificates are for: its custom domains, and APP.<domain> unless the domain is
// local (no CA can validate a name under localhost).

export function isLocalDomain(domain: string): boolean {
  return domain === 'localhost' || domain.endsWith('.localhost');
}

export function appHostnames(app: string, domain: string, customDomains: string[]): string[] {
  return [...(isLocalDomain(domain) ? [] : [`${app}.${domain}`]), ...customDomains];
}

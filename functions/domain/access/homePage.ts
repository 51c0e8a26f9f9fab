import type { Role } from './tokens.ts';

/**
 * Where each person starts: analysts at their queries, a unit's staff at its report pages, the
 * administrator at /quan-tri, appraisers at /tham-dinh; a head at /duyet while the deployment
 * asks for approval, otherwise at /nop like a clerk. Sign-in lands here, and a page meant for
 * someone else leads back here.
 */
export function homePage(role: Role, approvalRequired: boolean): string {
  switch (role) {
    case 'analyst': return '/q';
    case 'admin': return '/quan-tri';
    case 'appraiser': return '/tham-dinh';
    case 'head': return approvalRequired ? '/duyet' : '/nop';
    default: return '/nop';
  }
}

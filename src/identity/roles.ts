/** Who people are to Townhall. The ids are what the CLI and the access rules take. */
export const roles = ['resident', 'case_worker', 'supervisor', 'department_admin', 'system_admin', 'emergency_officer', 'analyst'] as const;
export type Role = (typeof roles)[number];

export const isRole = (text: string): text is Role => (roles as readonly string[]).includes(text);

/** Staff sign in with a second factor and work in the staff workspace. */
export const isStaff = (role: Role) => role !== 'resident';

/** These roles work a department's cases, so they must belong to one. */
export const needsDepartment = (role: Role) => role === 'case_worker' || role === 'supervisor' || role === 'department_admin';

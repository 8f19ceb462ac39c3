/** The process answers; says nothing about the database (that is /health/ready). */
export class LivenessDto {
  /** @example "ok" */
  status: 'ok';
}

/**
 * The training space: synthetic cases in a jurisdiction of their own (the real one's id plus
 * ".training"). Everything public (Open311, the portal, statistics, the event streams residents
 * see) reads only the real jurisdiction, so nothing from training reaches it; the workflow engine
 * sends no notifications for a training case. Staff switch to training with a cookie; their
 * rights are the same in both.
 */
import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { readCookie } from '../platform/cookies.js';

export const TRAINING_COOKIE = 'townhall_training';

export const trainingJurisdiction = (jurisdictionId: string) => `${jurisdictionId}.training`;
export const isTrainingJurisdiction = (jurisdictionId: string) => jurisdictionId.endsWith('.training');

/** Whether this staff request works in the training space. */
export const inTraining = (request: FastifyRequest) => readCookie(request, TRAINING_COOKIE) === '1';

/** The jurisdiction whose cases the workspace shows this request: the real one, or training. */
export const workspaceJurisdiction = (request: FastifyRequest, config: Config) =>
  inTraining(request) ? trainingJurisdiction(config.jurisdiction.id) : config.jurisdiction.id;

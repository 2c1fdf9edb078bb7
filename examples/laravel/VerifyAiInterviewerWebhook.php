<?php
// Laravel middleware for AI Interviewer webhooks. Copy to app/Http/Middleware/, then:
//
//   config/services.php:  'ai_interviewer' => ['tokens' => array_filter([
//                             env('AI_INTERVIEWER_TOKEN'), env('AI_INTERVIEWER_TOKEN_PREVIOUS')])],
//   routes/api.php:       Route::post('/ai-interviewer/webhook', WebhookController::class)
//                             ->middleware(\App\Http\Middleware\VerifyAiInterviewerWebhook::class);
//
// It checks the seed's X-AI-Interviewer-Signature (hex HMAC-SHA256 of the raw body) and the Standard
// Webhooks headers (webhook-id, webhook-timestamp, webhook-signature): both must verify with one of
// your tokens, the timestamp must be within five minutes of your clock, and a webhook-id that was
// already handled is answered 200 without running the controller again (a retry or a replay).
// A missing or malformed header is a 401, never a TypeError.

namespace App\Http\Middleware;

use Closure;
use Illuminate\Http\Request;
use Illuminate\Support\Facades\Cache;

class VerifyAiInterviewerWebhook
{
    public const TOLERANCE_SECONDS = 300;
    // Longer than the service's retry schedule (about a day), so a late retry is still recognised.
    public const SEEN_TTL_SECONDS = 3 * 24 * 3600;

    public function handle(Request $request, Closure $next)
    {
        $headers = [];
        foreach (['X-AI-Interviewer-Signature', 'webhook-id', 'webhook-timestamp', 'webhook-signature'] as $name) {
            $headers[$name] = $request->header($name);
        }
        $problem = self::problem(
            $request->getContent(), $headers, (array) config('services.ai_interviewer.tokens', []), time()
        );
        if ($problem !== null) {
            return response()->json(['error' => $problem], 401);
        }
        $seenKey = 'ai-interviewer-webhook:' . $headers['webhook-id'];
        if (Cache::has($seenKey)) {
            return response()->json(['status' => 'already processed'], 200);
        }
        $response = $next($request);
        if ($response->getStatusCode() >= 200 && $response->getStatusCode() < 300) {
            // Remembered only once handled: a delivery your app failed on is processed when retried.
            Cache::put($seenKey, true, self::SEEN_TTL_SECONDS);
        }
        return $response;
    }

    /**
     * Why a delivery must be refused, or null when both signatures verify with one of $tokens.
     * Plain PHP (no Laravel): $headers maps the four header names to their values, or null if absent.
     */
    public static function problem(string $body, array $headers, array $tokens, int $now): ?string
    {
        $seed = $headers['X-AI-Interviewer-Signature'] ?? null;
        $id = $headers['webhook-id'] ?? null;
        $timestamp = $headers['webhook-timestamp'] ?? null;
        $signatures = $headers['webhook-signature'] ?? null;
        foreach ([$seed, $id, $timestamp, $signatures] as $value) {
            if (!is_string($value) || $value === '') {
                return 'missing signature headers';
            }
        }
        $tokens = array_values(array_filter($tokens, fn ($token) => is_string($token) && $token !== ''));
        if ($tokens === []) {
            return 'no token configured';
        }
        if (!ctype_digit($timestamp) || abs($now - (int) $timestamp) > self::TOLERANCE_SECONDS) {
            return 'timestamp outside the tolerance';
        }
        $seedOk = false;
        $standardOk = false;
        $offered = preg_split('/\s+/', trim($signatures));
        foreach ($tokens as $token) {
            $seedOk = $seedOk || hash_equals(hash_hmac('sha256', $body, $token), $seed);
            // Standard Webhooks: base64 HMAC-SHA256 of "{id}.{timestamp}.{body}", keyed by the token's bytes.
            $expected = 'v1,' . base64_encode(hash_hmac('sha256', "$id.$timestamp.$body", $token, true));
            foreach ($offered as $candidate) {
                $standardOk = $standardOk || hash_equals($expected, $candidate);
            }
        }
        if (!$seedOk || !$standardOk) {
            return 'invalid signature';
        }
        return null;
    }
}

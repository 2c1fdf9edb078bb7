<?php
// Runs examples/laravel/VerifyAiInterviewerWebhook.php's handle() on one recorded delivery, with the few
// Laravel pieces it touches reduced to their documented behaviour (Request::header returns null for a
// missing header; Cache has/put; response()->json). Input on stdin as JSON: body, headers (name => value),
// tokens, cache_file, controller_status. Prints the answered status; the controller's calls go to stderr.
declare(strict_types=1);

namespace Illuminate\Http {
    class Request
    {
        public function __construct(private string $body, private array $headers) {}
        public function getContent(): string { return $this->body; }
        public function header(string $name): ?string
        {
            foreach ($this->headers as $key => $value) {
                if (strcasecmp($key, $name) === 0) { return $value; }
            }
            return null;
        }
    }
    class JsonResponse
    {
        public function __construct(private int $status) {}
        public function getStatusCode(): int { return $this->status; }
    }
}

namespace Illuminate\Support\Facades {
    class Cache
    {
        public static string $file;
        private static function all(): array
        {
            return is_file(self::$file) ? json_decode(file_get_contents(self::$file), true) : [];
        }
        public static function has(string $key): bool { return array_key_exists($key, self::all()); }
        public static function put(string $key, mixed $value, int $ttl): void
        {
            file_put_contents(self::$file, json_encode(self::all() + [$key => $value]));
        }
    }
}

namespace {
    $tokens = [];
    function config(string $key, mixed $default = null): mixed
    {
        global $tokens;
        return $key === 'services.ai_interviewer.tokens' ? $tokens : $default;
    }
    function response(): object
    {
        return new class {
            public function json(array $data, int $status): \Illuminate\Http\JsonResponse
            {
                return new \Illuminate\Http\JsonResponse($status);
            }
        };
    }

    require __DIR__ . '/../../examples/laravel/VerifyAiInterviewerWebhook.php';

    $input = json_decode(stream_get_contents(STDIN), true, 512, JSON_THROW_ON_ERROR);
    $tokens = $input['tokens'];
    \Illuminate\Support\Facades\Cache::$file = $input['cache_file'];
    $request = new \Illuminate\Http\Request(base64_decode($input['body_base64']), $input['headers']);
    $response = (new \App\Http\Middleware\VerifyAiInterviewerWebhook())->handle(
        $request,
        function ($request) use ($input) {
            fwrite(STDERR, "controller\n");
            return new \Illuminate\Http\JsonResponse($input['controller_status']);
        }
    );
    echo $response->getStatusCode();
}

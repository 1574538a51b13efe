export default function HomePage() {
  return (
    <section>
      <h1>Flux V2</h1>
      <p>
        Leveraged yield farming on the Flux lending pools: bring capital, borrow up to 9x more, and farm a Uniswap V2
        pair with auto-compounding rewards. No opening, deposit or profit fees.
      </p>
      <p>
        <a href="/lend">Lend to the core pools</a>
      </p>
    </section>
  );
}
